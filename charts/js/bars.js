// Functions of the bars chart (bars.go); meta.unit is the unit of the values.
{
	fn: {
		// label is a bar's value with four significant digits and the unit.
		label: function (c) {
			return function (p) {
				return c.h.num(p.value) + (c.meta.unit ? ' ' + c.meta.unit : '');
			};
		},
		tooltip: function (c) {
			return function (ps) {
				return ps
					.map(function (p) {
						return p.marker + c.h.esc(p.name) + ': ' + c.h.num(p.value) + (c.meta.unit ? ' ' + c.h.esc(c.meta.unit) : '');
					})
					.join('<br>');
			};
		},
	},
}
