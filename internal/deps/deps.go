//go:build tools

// Package deps pins the modules of the chosen stack so that `go mod tidy`
// keeps them while the packages that use them are being written.
package deps

import (
	_ "github.com/adrg/xdg"
	_ "github.com/charmbracelet/bubbles/textarea"
	_ "github.com/charmbracelet/bubbletea"
	_ "github.com/charmbracelet/lipgloss"
	_ "github.com/creack/pty"
	_ "github.com/muesli/termenv"
	_ "github.com/nyaruka/phonenumbers"
	_ "github.com/rickar/cal/v2"
	_ "github.com/spf13/cobra"
	_ "go.bug.st/serial"
	_ "go.bug.st/serial/enumerator"
	_ "modernc.org/sqlite"
)
