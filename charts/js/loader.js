// Defines window.__speedupEcharts, a promise of ECharts unpacked from b (the base64 of the
// gzipped bundle), unless the page already has ECharts or is loading it.
function (w, b) {
	if ((w.echarts && w.echarts.init) || w.__speedupEcharts) return;
	w.__speedupEcharts = Promise.resolve()
		.then(function () {
			if (typeof DecompressionStream !== 'function') {
				throw new Error('this browser has no DecompressionStream (Chrome 80, Firefox 113, Safari 16.4 or later needed)');
			}
			var s = atob(b), u = new Uint8Array(s.length);
			for (var i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
			return new Response(new Blob([u]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
		})
		.then(function (js) {
			if (!(w.echarts && w.echarts.init)) {
				try {
					(0, eval)(js);
				} catch (e) {
					if (!(e instanceof EvalError)) throw e;
					var t = document.createElement('script'); // a page whose policy forbids eval
					t.textContent = js;
					document.head.appendChild(t);
				}
			}
			if (!(w.echarts && w.echarts.init)) throw new Error('the bundle ran but defined no window.echarts');
			return w.echarts;
		})
		.catch(function (e) {
			w.__speedupEcharts = null;
			throw e;
		});
}
