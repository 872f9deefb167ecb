// Functions of the scaling and lines charts (xy.go).
{
	fn: {
		// tooltip lists each series' value near the pointer, with its own x when it differs.
		tooltip: function (c) {
			return function (ps) {
				if (!ps.length) return '';
				var x = ps[0].axisValue, h = c.h.esc(c.opt.xAxis[0].name || 'x') + ' = ' + c.h.num(x);
				ps.forEach(function (p) {
					var v = p.value;
					if (!v) return;
					var off = Math.abs(v[0] - x) > 1e-9 * Math.max(1, Math.abs(x));
					h += '<br>' + p.marker + c.h.esc(p.seriesName) + ': ' + c.h.num(v[1]) + (off ? ' (at ' + c.h.num(v[0]) + ')' : '');
				});
				return h;
			};
		},
	},
}
