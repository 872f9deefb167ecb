// The times chart (times.go): meta.rows[label][group] = [interval name, lo, hi, runs].
{
	fn: {
		// whisker: the interval of the k-th of n bars (ECharts' layout for gaps of 20% and 30%).
		whisker: function (c, k, n) {
			return function (params, api) {
				var x = api.value(0), lo = api.coord([x, api.value(1)]), hi = api.coord([x, api.value(2)]);
				var B = api.size([1, 0])[0], bw = (0.8 * B) / (n + (n - 1) * 0.3);
				var cx = lo[0] - 0.4 * B + bw / 2 + k * bw * 1.3, cap = Math.min(bw / 4, 8), st = { stroke: '#333', lineWidth: 1.5 };
				return {
					type: 'group',
					children: [
						{ type: 'line', shape: { x1: cx, y1: lo[1], x2: cx, y2: hi[1] }, style: st },
						{ type: 'line', shape: { x1: cx - cap, y1: lo[1], x2: cx + cap, y2: lo[1] }, style: st },
						{ type: 'line', shape: { x1: cx - cap, y1: hi[1], x2: cx + cap, y2: hi[1] }, style: st },
					],
				};
			};
		},
		// tooltip gives, per bar of the label: value, interval and runs.
		tooltip: function (c) {
			var h = c.h;
			return function (ps) {
				var out = '<b>' + h.esc(ps.length ? ps[0].name : '') + '</b>';
				ps.forEach(function (p) {
					if (p.seriesType !== 'bar') return;
					var r = (c.meta.rows[p.dataIndex] || [])[p.seriesIndex] || ['', null, null, 0];
					out += '<br>' + p.marker + h.esc(p.seriesName) + ': ' + h.num(p.value) + ' s';
					var more = [];
					if (r[1] != null) more.push((r[0] ? h.esc(r[0]) + ' ' : '') + h.num(r[1]) + '–' + h.num(r[2]));
					more.push(r[3] + (r[3] === 1 ? ' run' : ' runs'));
					out += ' (' + more.join(', ') + ')';
				});
				return out;
			};
		},
	},
}
