package charts

import (
	"fmt"
	"html"
	"io"
	"strings"
)

// pageCSS styles a standalone page: charts fill the body's width.
const pageCSS = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222}
.speedup-chart{margin:0 0 32px}
table.speedup-fallback{border-collapse:collapse;font-size:13px}
table.speedup-fallback td,table.speedup-fallback th{border:1px solid #ccc;padding:2px 8px;text-align:right}
table.speedup-fallback caption{font-weight:bold;text-align:left}
`

// WritePage writes a standalone offline HTML page holding the charts in order: ECharts is
// inlined once in the page's head, then each chart follows as in HTML, as wide as the page.
// It does not change what the next HTML call carries.
func WritePage(w io.Writer, title string, cs ...*Chart) error {
	js, err := bundleJS()
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n", html.EscapeString(title))
	b.WriteString("<style>\n" + pageCSS + "</style>\n")
	b.WriteString("<script>\n")
	b.WriteString(js)
	b.WriteString("\n</script>\n</head>\n<body>\n")
	if title != "" {
		fmt.Fprintf(&b, "<h1>%s</h1>\n", html.EscapeString(title))
	}
	for _, c := range cs {
		if c == nil {
			continue
		}
		b.WriteString(c.fragment(false))
		b.WriteString("\n")
	}
	b.WriteString("</body>\n</html>\n")
	_, err = io.WriteString(w, b.String())
	return err
}
