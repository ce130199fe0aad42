// Package styles holds the terminal UI's one set of lipgloss styles, made for
// one renderer so that colours follow that terminal: its background (light or
// dark) and NO_COLOR (no colour at all; selection then shows as a marker).
package styles

import "github.com/charmbracelet/lipgloss"

// Styles is every style the screens use. Build it once with New and pass it
// down; nothing changes it afterwards.
type Styles struct {
	Renderer *lipgloss.Renderer

	App       lipgloss.Style
	Brand     lipgloss.Style
	Tab       lipgloss.Style
	ActiveTab lipgloss.Style
	Title     lipgloss.Style
	Subtle    lipgloss.Style
	Selected  lipgloss.Style
	Header    lipgloss.Style // column headings
	Label     lipgloss.Style
	Value     lipgloss.Style
	Box       lipgloss.Style // a bordered panel
	Focused   lipgloss.Style // a bordered panel with focus
	Status    lipgloss.Style
	Error     lipgloss.Style
	Good      lipgloss.Style
	Warn      lipgloss.Style
	Bad       lipgloss.Style
	Accent    lipgloss.Style
	In        lipgloss.Style // a text they sent us
	Out       lipgloss.Style // a text we sent
	Key       lipgloss.Style // a key named in the UI ("[1]")
	Bar       lipgloss.Style // chart bars
	Help      lipgloss.Style

	// Cursor marks the selected row; it is text so that it survives NO_COLOR.
	Cursor string
}

// New returns the styles for the terminal r renders to.
func New(r *lipgloss.Renderer) *Styles {
	c := func(light, dark string) lipgloss.AdaptiveColor {
		return lipgloss.AdaptiveColor{Light: light, Dark: dark}
	}
	var (
		accent = c("#5A3FC0", "#B4A0FF")
		subtle = c("#6B6B6B", "#8A8A8A")
		good   = c("#1A7F37", "#56D364")
		warn   = c("#9A6700", "#E3B341")
		bad    = c("#CF222E", "#FF7B72")
		inC    = c("#0550AE", "#79C0FF")
		selBg  = c("#DDD6FE", "#3B2F73")
		border = c("#B0B0B0", "#505050")
	)
	s := &Styles{Renderer: r, Cursor: "▸ "}
	ns := r.NewStyle
	s.App = ns()
	s.Brand = ns().Bold(true).Foreground(accent)
	s.Tab = ns().Foreground(subtle).PaddingRight(1)
	s.ActiveTab = ns().Bold(true).Reverse(true).Foreground(accent).MarginRight(1)
	s.Title = ns().Bold(true)
	s.Subtle = ns().Foreground(subtle)
	s.Selected = ns().Background(selBg).Bold(true)
	s.Header = ns().Bold(true).Foreground(subtle)
	s.Label = ns().Foreground(subtle)
	s.Value = ns()
	s.Box = ns().Border(lipgloss.RoundedBorder()).BorderForeground(border).Padding(0, 1)
	s.Focused = ns().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1)
	s.Status = ns().Foreground(subtle)
	s.Error = ns().Bold(true).Foreground(bad)
	s.Good = ns().Foreground(good)
	s.Warn = ns().Foreground(warn)
	s.Bad = ns().Foreground(bad)
	s.Accent = ns().Foreground(accent)
	s.In = ns().Foreground(inC)
	s.Out = ns().Foreground(accent)
	s.Key = ns().Bold(true).Foreground(accent)
	s.Bar = ns().Foreground(accent)
	s.Help = ns().Foreground(subtle)
	return s
}

// Usage picks the style for a share of a limit used: good, then warn from
// 80 %, bad at or over the limit.
func (s *Styles) Usage(used, limit int) lipgloss.Style {
	switch {
	case limit <= 0:
		return s.Subtle
	case used >= limit:
		return s.Bad
	case used*5 >= limit*4:
		return s.Warn
	default:
		return s.Good
	}
}
