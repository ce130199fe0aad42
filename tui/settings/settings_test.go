package settings_test

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/texting-centre/texting/config"
	"github.com/texting-centre/texting/tui/common"
	"github.com/texting-centre/texting/tui/settings"
	"github.com/texting-centre/texting/tui/tuitest"
)

// backend is the fake backend with settings: config's own rules over the
// test database.
type backend struct{ *tuitest.Backend }

func (b backend) Settings(ctx context.Context) ([]common.Setting, error) {
	stored, err := b.DB.Settings(ctx)
	if err != nil {
		return nil, err
	}
	vals, err := config.Resolve(stored, func(string) string { return "" })
	if err != nil {
		return nil, err
	}
	var out []common.Setting
	for _, v := range vals {
		s := common.Setting{Key: v.Key.Name, Value: v.Value, Source: string(v.Source), Default: v.Key.Default, Help: v.Key.Help, Secret: v.Key.Secret}
		if s.Secret && s.Value != "" {
			s.Value = "****"
		}
		out = append(out, s)
	}
	return out, nil
}

func (b backend) SetSetting(ctx context.Context, key, value string) (string, string, error) {
	stored, _ := b.DB.Settings(ctx)
	was := stored[key]
	if value == "" {
		return was, "", b.DB.DeleteSetting(ctx, key)
	}
	v, err := config.Validate(key, value)
	if err != nil {
		return was, "", err
	}
	return was, v, b.DB.SetSetting(ctx, key, v)
}

func TestSettingsScreen(t *testing.T) {
	c, be := tuitest.Setup(t)
	c.Backend = backend{be}
	ctx := context.Background()
	if err := c.DB.SetSetting(ctx, "serve.token", "0123456789abcdef0123-tail"); err != nil {
		t.Fatal(err)
	}
	m := settings.New(c)
	m.SetSize(120, 30)
	tuitest.Run(t, m, m.Init(), nil)
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "dedupe.days") || !strings.Contains(v, "180") || strings.Contains(v, "tail") || !strings.Contains(v, "(set)") {
		t.Fatalf("settings:\n%s", v)
	}
	// dedupe.days is the sixth key.
	var status []string
	sink := func(msg any) {
		switch msg := msg.(type) {
		case common.StatusMsg:
			status = append(status, msg.Text)
		case common.ErrMsg:
			status = append(status, "✗ "+msg.Err.Error())
		}
	}
	tuitest.Type(t, m, nil, "down", "down", "down", "down", "down", "enter")
	if !m.Captures(tuitest.Key("q")) {
		t.Fatal("the field does not take q")
	}
	tuitest.Text(t, m, "abc")
	tuitest.Type(t, m, func(msg tea.Msg) { sink(msg) }, "enter")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "✗") || !strings.Contains(v, "whole number") {
		t.Fatalf("a bad value:\n%s", v)
	}
	if got, _ := c.DB.Settings(ctx); got["dedupe.days"] != "" {
		t.Fatalf("stored %q", got["dedupe.days"])
	}
	tuitest.Type(t, m, nil, "backspace", "backspace", "backspace")
	tuitest.Text(t, m, "90")
	tuitest.Type(t, m, func(msg tea.Msg) { sink(msg) }, "enter")
	if got, _ := c.DB.Settings(ctx); got["dedupe.days"] != "90" {
		t.Fatalf("stored %q", got["dedupe.days"])
	}
	if len(status) == 0 || status[len(status)-1] != "✓ dedupe.days: 90 (was the default)" || m.Captures(tuitest.Key("q")) {
		t.Fatalf("status %q", status)
	}
	// d: back to the default.
	tuitest.Type(t, m, func(msg tea.Msg) { sink(msg) }, "d")
	if got, _ := c.DB.Settings(ctx); got["dedupe.days"] != "" || status[len(status)-1] != "✓ dedupe.days: the default (was 90)" {
		t.Fatalf("after d: %q, %q", got["dedupe.days"], status)
	}
}
