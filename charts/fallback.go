package charts

import (
	"html"
	"strings"
)

// table renders the static <table class="speedup-fallback"> shown where scripts do not run,
// every text HTML-escaped. The first column is a row header. Cells keep their newlines
// (white-space:pre-wrap), so there is no white space between the table's elements.
func table(caption string, head []string, rows [][]string) string {
	var b strings.Builder
	b.WriteString(`<table class="speedup-fallback" style="white-space:pre-wrap">`)
	if caption != "" {
		b.WriteString("<caption>" + html.EscapeString(caption) + "</caption>")
	}
	b.WriteString("<thead><tr>")
	for _, h := range head {
		b.WriteString("<th>" + html.EscapeString(h) + "</th>")
	}
	b.WriteString("</tr></thead><tbody>")
	for _, r := range rows {
		b.WriteString("<tr>")
		for i, cell := range r {
			if i == 0 {
				b.WriteString(`<th scope="row">` + html.EscapeString(cell) + "</th>")
			} else {
				b.WriteString("<td>" + html.EscapeString(cell) + "</td>")
			}
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	return b.String()
}
