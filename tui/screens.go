package tui

import (
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/replies"
)

// NewApp returns the whole program: every screen, opening on Replies.
func NewApp(c *common.Common) *Model {
	return New(c,
		replies.New(c),
	)
}
