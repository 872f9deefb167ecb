// The timeline chart (timeline.go): meta.unit; the lanes are the y axis' categories.
{
	fn: {
		// span draws one span as a bar on its lane, at least 1 px wide, clipped to the grid.
		span: function (c) {
			return function (params, api) {
				var l = api.value(0), s = api.coord([api.value(1), l]), t = api.coord([api.value(2), l]);
				var h = api.size([0, 1])[1] * 0.7, w = Math.max(t[0] - s[0], 1);
				var r = c.h.clip(c.echarts, params, { x: s[0], y: s[1] - h / 2, width: w, height: h });
				return r && { type: 'rect', transition: ['shape'], shape: r, style: { fill: api.visual('color'), stroke: w > 3 ? '#fff' : null, lineWidth: 0.5 } };
			};
		},
		// tooltip: a span's task, lane and times; or, over the resource-use panel, its values.
		tooltip: function (c) {
			var h = c.h, unit = c.meta.unit, usage = c.fn.usageTooltip && c.fn.usageTooltip(c);
			return function (p) {
				if (Array.isArray(p)) return usage ? usage(p) : '';
				if (p.seriesType !== 'custom') return '';
				var v = p.value, lanes = c.opt.yAxis[0].data, d = v[2] - v[1];
				var out = '<b>' + h.esc(v[3]) + '</b>' + (p.data && p.data.failed ? ' <b style="color:#c0392b">failed</b>' : '');
				out += '<br>' + h.esc(lanes[v[0]]) + '<br>' + (+v[1]).toFixed(4) + ' → ' + (+v[2]).toFixed(4);
				if (unit === 'seconds') return out + ' s (' + h.num(1000 * d) + ' ms)';
				return out + ' ' + h.esc(unit) + ' (' + h.num(d) + ' ' + h.esc(unit) + ')';
			};
		},
	},
}
