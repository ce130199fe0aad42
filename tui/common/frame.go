package common

// DefaultWidth and DefaultHeight are a screen's size until the root gives it
// the terminal's.
const (
	DefaultWidth  = 100
	DefaultHeight = 24
)

// Frame is what every screen is made of: the shared context (embedded, so a
// screen reads m.Styles, m.Keys, m.DB …), its name in the tab bar and its
// size. A screen embeds it and gets Title, Tab and SetSize from it; one whose
// layout follows its size says how with OnResize.
type Frame struct {
	*Common
	Width, Height int
	title, tab    string
	resize        func()
}

// NewFrame returns the frame of a screen called title (tab in a narrow tab
// bar; "" for title), DefaultWidth × DefaultHeight.
func NewFrame(c *Common, title, tab string) Frame {
	return Frame{Common: c, Width: DefaultWidth, Height: DefaultHeight, title: title, tab: tab}
}

// Title implements Screen.
func (f *Frame) Title() string { return f.title }

// Tab is the screen's name in a narrow tab bar.
func (f *Frame) Tab() string {
	if f.tab != "" {
		return f.tab
	}
	return f.title
}

// SetSize implements Screen: the screen is laid out again for the new size.
func (f *Frame) SetSize(w, h int) {
	f.Width, f.Height = w, h
	if f.resize != nil {
		f.resize()
	}
}

// OnResize sets what the screen does when its size changes (page sizes,
// field widths) and does it for the size it has now.
func (f *Frame) OnResize(layout func()) {
	f.resize = layout
	layout()
}
