package cli

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/lipgloss/table"

	"github.com/texting-centre/texting/termsafe"
)

// writeJSON prints v as indented JSON followed by a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// printTable prints rows under headers as a plain table that reads well in a
// shell and in cron mail (no colour, no box-drawing beyond a header rule).
// Each cell is one line: a text's line breaks and tabs are shown as ␤ and ␉
// (termsafe.Line), so text from outside can neither act on the terminal nor
// break the table.
func printTable(w io.Writer, headers []string, rows [][]string) error {
	for _, r := range rows {
		for i, c := range r {
			r[i] = termsafe.Line(c)
		}
	}
	t := table.New().
		Headers(headers...).
		Rows(rows...).
		Border(lipgloss.NormalBorder()).
		BorderTop(false).BorderBottom(false).BorderLeft(false).BorderRight(false).
		BorderColumn(false).BorderRow(false).BorderHeader(true).
		StyleFunc(func(row, col int) lipgloss.Style { return lipgloss.NewStyle().PaddingRight(2) })
	_, err := io.WriteString(w, t.Render()+"\n")
	return err
}

// csvWriter writes CSV whose every cell went through termsafe.CSVCell:
// controls shown, formula cells neutralised.
type csvWriter struct{ *csv.Writer }

func newCSVWriter(w io.Writer) csvWriter { return csvWriter{csv.NewWriter(w)} }

// Write writes one record of cells.
func (c csvWriter) Write(record []string) error {
	safe := make([]string, len(record))
	for i, s := range record {
		safe[i] = termsafe.CSVCell(s)
	}
	return c.Writer.Write(safe)
}

// rfc3339 formats t for JSON, or returns nil for the zero time.
func rfc3339(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Local().Format(time.RFC3339)
}

// shortTime formats t for tables.
func shortTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// plural picks the word for n: plural(1, "text", "texts") is "text".
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
