// The speedup chart (speedup.go): meta.bars[i] = [speedup, ideal, efficiency, "~", note].
{
	fn: {
		// ideal: a dash across the bar or, above the axis, an arrow at its top with the value.
		ideal: function (c) {
			return function (params, api) {
				var v = api.value(2);
				if (v == null || isNaN(v)) return null;
				var x = api.coord([api.value(0), 0])[0], half = Math.min(0.8 * api.size([1, 0])[0], 80) / 2 + 8;
				if (v <= c.opt.yAxis[0].max) {
					var y = api.coord([api.value(0), v])[1];
					return { type: 'line', shape: { x1: x - half, y1: y, x2: x + half, y2: y }, style: { stroke: '#222', lineWidth: 2, lineDash: [6, 3] } };
				}
				var t = params.coordSys.y;
				return {
					type: 'group',
					children: [
						{ type: 'polygon', shape: { points: [[x, t], [x - 6, t + 9], [x + 6, t + 9]] }, style: { fill: '#222' } },
						{ type: 'line', shape: { x1: x, y1: t + 9, x2: x, y2: t + 24 }, style: { stroke: '#222', lineWidth: 2, lineDash: [3, 2] } },
						{ type: 'text', x: x + 9, y: t, style: { text: c.h.num(v) + '×', fill: '#222', font: '12px sans-serif', verticalAlign: 'top' } },
					],
				};
			};
		},
		// label: the speedup above the bar, else inside its top, else by the dash, never on it.
		label: function (c) {
			return function (params, api) {
				var i = api.value(0), s = api.value(1);
				if (s == null || isNaN(s)) return null;
				var b = c.meta.bars[i] || [], axisMax = c.opt.yAxis[0].max, H = 16, grid = params.coordSys;
				var x = api.coord([i, 0])[0], base = api.coord([i, 0])[1], top = api.coord([i, Math.min(s, axisMax)])[1];
				var dash = b[1] != null && b[1] <= axisMax ? api.coord([i, b[1]])[1] : null;
				var pale = b[3] === '~';
				var clear = function (y) {
					return y >= grid.y && y + H <= base && (dash == null || dash < y - 3 || dash > y + H + 3);
				};
				var tries = [top - 2 - H, top + 3];
				if (dash != null) tries.push(dash - 5 - H, dash + 5);
				var y = tries[0];
				for (var k = 0; k < tries.length; k++) {
					if (clear(tries[k]) && (tries[k] < top || top + 3 + H <= base)) {
						y = tries[k];
						break;
					}
				}
				return {
					type: 'text',
					x: x,
					y: y,
					style: { text: c.h.num(s) + '×' + (pale ? ' ~' : ''), fill: y >= top && !pale ? '#fff' : '#222', font: 'bold 12px sans-serif', align: 'center', verticalAlign: 'top' },
				};
			};
		},
		tooltip: function (c) {
			var h = c.h;
			return function (ps) {
				if (!ps.length) return '';
				var i = ps[0].dataIndex, b = c.meta.bars[i] || [], marker = '';
				ps.forEach(function (p) {
					if (p.seriesType === 'bar') marker = p.marker;
				});
				var out = '<b>' + h.esc(c.opt.xAxis[0].data[i]) + '</b><br>' + marker + 'speedup: ' + h.num(b[0]) + '× (' + b[4] + ')';
				if (b[1] != null) out += '<br>' + h.esc(c.meta.idealName || 'ideal') + ': ' + h.num(b[1]) + '×';
				if (b[2] != null) out += '<br>parallel efficiency: ' + h.num(100 * b[2]) + ' %';
				return out;
			};
		},
	},
}
