// What the functions of every chart kind share.
{
	// num: four significant digits, none from 10,000 up, "–" for none (as fmtNum).
	num: function (v) {
		if (v == null || v === '-' || v === '' || !isFinite(v)) return '–';
		v = +v;
		return Math.abs(v) >= 1e4 ? String(Math.round(v)) : String(+v.toPrecision(4));
	},
	// esc: text shown as written in a tooltip's HTML (entities, newlines as <br>).
	esc: function (s) {
		var map = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
		return String(s == null ? '' : s)
			.replace(/[&<>"']/g, function (c) {
				return map[c];
			})
			.replace(/\r\n|\r|\n/g, '<br>');
	},
	// clip: the part of rect r inside the grid, or undefined.
	clip: function (echarts, params, r) {
		var cs = params.coordSys;
		return echarts.graphic.clipRectByRect(r, { x: cs.x, y: cs.y, width: cs.width, height: cs.height });
	},
}
