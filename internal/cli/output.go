package cli

import (
	"encoding/json"
	"io"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/lipgloss/table"
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
func printTable(w io.Writer, headers []string, rows [][]string) error {
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
