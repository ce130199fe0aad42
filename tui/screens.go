package tui

import (
	"github.com/texting-centre/texting/tui/categories"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/conversations"
	"github.com/texting-centre/texting/tui/messages"
	"github.com/texting-centre/texting/tui/modems"
	"github.com/texting-centre/texting/tui/networks"
	"github.com/texting-centre/texting/tui/outbox"
	"github.com/texting-centre/texting/tui/replies"
	"github.com/texting-centre/texting/tui/send"
	"github.com/texting-centre/texting/tui/settings"
	"github.com/texting-centre/texting/tui/sims"
	"github.com/texting-centre/texting/tui/stats"
	"github.com/texting-centre/texting/tui/templates"
)

// NewApp returns the whole program, opening on Replies. The first ten
// screens answer to the digits 1…9, 0 (alt+digit where a screen types
// digits); all of them to tab and shift+tab.
func NewApp(c *common.Common) *Model {
	m := New(c,
		replies.New(c),
		conversations.New(c),
		messages.New(c),
		modems.New(c),
		outbox.New(c),
		send.New(c),
		templates.New(c),
		stats.New(c),
		categories.New(c),
		sims.New(c),
		networks.New(c),
		settings.New(c),
	)
	m.waitingTab = replies.Title
	return m
}
