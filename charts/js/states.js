// Functions of the states chart (states.go): spans are [lane, start, end, label index (-1:
// merged spans of several labels), spans merged]; the series are the states, the y axis'
// categories the lanes; meta.labels, meta.unit, meta.overlay (the states drawn across every
// lane too).
{
	fn: {
		// span draws a span on its lane, at least 1 px wide, clipped to the grid; a span of an
		// overlay state also as a translucent band across every lane.
		span: function (c) {
			var overlay = {};
			(c.meta.overlay || []).forEach(function (s) {
				overlay[s] = true;
			});
			return function (params, api) {
				var l = api.value(0), s = api.coord([api.value(1), l]), t = api.coord([api.value(2), l]);
				var h = api.size([0, 1])[1] * 0.7, w = Math.max(t[0] - s[0], 1), cs = params.coordSys;
				var r = c.h.clip(c.echarts, params, { x: s[0], y: s[1] - h / 2, width: w, height: h });
				if (!r) return null;
				var fill = api.visual('color');
				var rect = { type: 'rect', shape: r, style: { fill: fill, stroke: w > 3 ? '#fff' : null, lineWidth: 0.5 } };
				if (!overlay[params.seriesName]) return rect;
				var band = { type: 'rect', silent: true, shape: { x: r.x, y: cs.y, width: r.width, height: cs.height }, style: { fill: fill, opacity: 0.18 } };
				return { type: 'group', children: [band, rect] };
			};
		},
		tooltip: function (c) {
			var h = c.h, unit = ' ' + h.esc(c.meta.unit);
			return function (p) {
				var v = p.value, lanes = c.opt.yAxis[0].data;
				var out = '<b>' + h.esc(lanes[v[0]]) + '</b>: ' + p.marker + h.esc(p.seriesName);
				if (v[3] >= 0 && c.meta.labels[v[3]] !== '') out += '<br>' + h.esc(c.meta.labels[v[3]]);
				if (v[4] > 1) out += '<br>' + v[4] + ' spans merged' + (v[3] < 0 ? ', of several labels' : '');
				return out + '<br>' + h.num(v[1]) + ' → ' + h.num(v[2]) + unit + ' (' + h.num(v[2] - v[1]) + unit + ')';
			};
		},
	},
}
