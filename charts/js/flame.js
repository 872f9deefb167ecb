// Functions of the flame graph (flame.go): frames are [depth, start, value, self, name
// index], numbers in meta.scale-ths of meta.total (in meta.unit); meta.names and meta.colors
// are by name index.
{
	fn: {
		// frame draws one frame, clipped to the grid (and so to the zoom), named if it fits.
		frame: function (c) {
			var names = c.meta.names, colors = c.meta.colors;
			return function (params, api) {
				var d = api.value(0), s = api.value(1), n = api.value(4);
				var a = api.coord([s, d]), b = api.coord([s + api.value(2), d + 1]);
				var r = c.h.clip(c.echarts, params, { x: a[0], y: a[1], width: Math.max(b[0] - a[0], 0.5), height: Math.max(b[1] - a[1] - 1, 1) });
				if (!r) return null;
				var rect = { type: 'rect', shape: r, style: { fill: colors[n], stroke: '#fff', lineWidth: r.width > 3 ? 0.5 : 0 } };
				if (r.width < 28 || r.height < 11) return rect;
				var text = {
					type: 'text',
					silent: true,
					x: r.x + 4,
					y: r.y + r.height / 2,
					style: { text: names[n], width: r.width - 8, overflow: 'truncate', ellipsis: '…', fill: '#222', font: '11px sans-serif', verticalAlign: 'middle' },
				};
				return { type: 'group', children: [rect, text] };
			};
		},
		tooltip: function (c) {
			var h = c.h, m = c.meta;
			return function (p) {
				var v = p.value, k = m.total / m.scale, unit = ' ' + h.esc(m.unit);
				return (
					'<b>' + h.esc(m.names[v[4]]) + '</b><br>' +
					h.num(v[2] * k) + unit + ' (' + h.num((100 * v[2]) / m.scale) + ' % of the total)<br>' +
					'self: ' + h.num(v[3] * k) + unit
				);
			};
		},
	},
	// attach: a click zooms into a frame; on the top frame or on the frame zoomed into, out.
	attach: function (c) {
		var whole = [0, c.meta.scale];
		c.zoom = c.zoom || whole;
		c.chart.on('click', function (p) {
			if (p.seriesType !== 'custom') return;
			var v = p.value, to = [v[1], v[1] + v[2]];
			if (v[0] === 0 || (to[0] === c.zoom[0] && to[1] === c.zoom[1])) to = whole;
			c.zoom = to;
			c.chart.setOption({ xAxis: [{ min: to[0], max: to[1] }] });
			c.root.setAttribute('data-zoom', to[0] + ',' + to[1]);
		});
		if (c.zoom !== whole) c.chart.setOption({ xAxis: [{ min: c.zoom[0], max: c.zoom[1] }] });
	},
}
