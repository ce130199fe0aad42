// Package keys is the terminal UI's one keymap: every binding, grouped by
// where it works, with the help text bubbles/help shows.
package keys

import "github.com/charmbracelet/bubbles/key"

// Global bindings work on every screen unless the screen captures the key
// (a text field has focus, or the review queue uses the digits).
type Global struct {
	Quit    key.Binding
	Help    key.Binding
	Next    key.Binding
	Prev    key.Binding
	Screens [10]key.Binding // 1…9, 0: jump to a screen
	AltJump [10]key.Binding // alt+1…alt+0: jump even where digits mean something else
}

// List bindings move through a paged list and filter it.
type List struct {
	Up, Down, PageUp, PageDown, Home key.Binding
	Filter                           key.Binding
	Refresh                          key.Binding
	Back                             key.Binding
}

// Moves are the list's movement keys, one row of the full help.
func (l List) Moves() []key.Binding { return []key.Binding{l.Up, l.Down, l.PageUp, l.PageDown, l.Home} }

// Filtering are the list's filter and refresh keys, one row of the full help.
func (l List) Filtering() []key.Binding { return []key.Binding{l.Filter, l.Refresh, l.Back} }

// Replies bindings categorise the review queue.
type Replies struct {
	Pick   key.Binding // 1…9: the numbered categories
	Accept key.Binding // the model's suggestion
	Undo   key.Binding
	Thread key.Binding
}

// Actions bindings are the verbs screens share (add, edit, delete, …).
type Actions struct {
	Add, Edit, Delete key.Binding
	Confirm, Cancel   key.Binding
	Save              key.Binding
	NextField         key.Binding
	PrevField         key.Binding
	Reply             key.Binding
	Resend, Fail      key.Binding
	ReadIn, TestText  key.Binding
	Toggle            key.Binding // inbox ⇄ sent
	NextSIM, PrevSIM  key.Binding
	GSMTwins          key.Binding
	Preview           key.Binding
	Campaign          key.Binding
	Send              key.Binding // the send screen's ctrl+s
	Write             key.Binding // back into the send screen's form
	Leave             key.Binding // out of a form, so the global keys work
	OptOuts           key.Binding // the opt-out list, from the send screen
}

// KeyMap is every binding of the program.
type KeyMap struct {
	Global  Global
	List    List
	Replies Replies
	Actions Actions
}

// Default returns the program's bindings.
func Default() *KeyMap {
	k := &KeyMap{
		Global: Global{
			Quit: key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
			Help: key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
			Next: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next screen")),
			Prev: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous screen")),
		},
		List: List{
			Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
			Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
			PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
			PageDown: key.NewBinding(key.WithKeys("pgdown", "f", " "), key.WithHelp("pgdn", "page down")),
			Home:     key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
			Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
			Refresh:  key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "refresh")),
			Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		},
		Replies: Replies{
			Pick:   key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "categorise")),
			Accept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "accept suggestion")),
			Undo:   key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo")),
			Thread: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "thread")),
		},
		Actions: Actions{
			Add:       key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add")),
			Edit:      key.NewBinding(key.WithKeys("e", "enter"), key.WithHelp("e", "edit")),
			Delete:    key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "delete")),
			Confirm:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
			Cancel:    key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),
			Save:      key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save")),
			NextField: key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
			PrevField: key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
			Reply:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reply")),
			Resend:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "resend")),
			Fail:      key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "mark failed")),
			ReadIn:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "read in")),
			TestText:  key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "test text")),
			Toggle:    key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "inbox/sent")),
			NextSIM:   key.NewBinding(key.WithKeys("]", "right", "l"), key.WithHelp("]", "next SIM")),
			PrevSIM:   key.NewBinding(key.WithKeys("[", "left", "h"), key.WithHelp("[", "previous SIM")),
			GSMTwins:  key.NewBinding(key.WithKeys("ctrl+g"), key.WithHelp("ctrl+g", "smart quotes → GSM")),
			Preview:   key.NewBinding(key.WithKeys("ctrl+p"), key.WithHelp("ctrl+p", "preview")),
			Campaign:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "dry-run campaign")),
			Send:      key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "send")),
			Write:     key.NewBinding(key.WithKeys("e", "enter"), key.WithHelp("e", "write")),
			Leave:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave form")),
			OptOuts:   key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "opt-out list")),
		},
	}
	digits := "1234567890"
	for i := range digits {
		d := string(digits[i])
		k.Global.Screens[i] = key.NewBinding(key.WithKeys(d), key.WithHelp(d, "screen"))
		k.Global.AltJump[i] = key.NewBinding(key.WithKeys("alt+"+d), key.WithHelp("alt+"+d, "screen"))
	}
	return k
}
