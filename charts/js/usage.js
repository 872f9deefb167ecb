// Resource use (usage.go), alone or under a timeline: meta.unit, meta.cores.
{
	fn: {
		usageTooltip: function (c) {
			var h = c.h;
			return function (ps) {
				var out = '';
				(Array.isArray(ps) ? ps : [ps]).forEach(function (p) {
					if (p.seriesType !== 'line' || !p.value) return;
					if (!out) out = '<b>' + h.num(p.value[0]) + ' ' + h.esc(c.meta.unit) + '</b>';
					var cores = p.seriesName.indexOf('CPU') === 0 && c.meta.cores ? ' of ' + h.num(c.meta.cores) : '';
					out += '<br>' + p.marker + h.esc(p.seriesName) + ': ' + h.num(p.value[1]) + cores;
				});
				return out;
			};
		},
	},
}
