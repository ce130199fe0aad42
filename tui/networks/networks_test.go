package networks_test

import (
	"context"
	"strings"
	"testing"

	"github.com/texting-centre/texting/tui/networks"
	"github.com/texting-centre/texting/tui/tuitest"
)

func TestNetworks(t *testing.T) {
	ctx := context.Background()
	c, _ := tuitest.Setup(t)
	tuitest.Seed(t, c.DB)
	m := networks.New(c)
	m.SetSize(100, 26)
	tuitest.Run(t, m, m.Init(), nil)
	// O2 has SIMs: deleting it is refused, with the reason.
	tuitest.Type(t, m, nil, "d", "y")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "it has 2 SIM(s)") {
		t.Fatalf("no refusal:\n%s", v)
	}
	tuitest.Type(t, m, nil, "a")
	tuitest.Text(t, m, "Three")
	tuitest.Type(t, m, nil, "tab", "tab")
	tuitest.Text(t, m, "top-up at the shop")
	tuitest.Type(t, m, nil, "ctrl+s")
	n, err := c.DB.NetworkByName(ctx, "Three")
	if err != nil || n.Notes != "top-up at the shop" || n.Gateway {
		t.Fatalf("saved %+v, %v", n, err)
	}
	// esc leaves a form without saving.
	tuitest.Type(t, m, nil, "a")
	tuitest.Text(t, m, "Nope")
	tuitest.Type(t, m, nil, "esc")
	if _, err := c.DB.NetworkByName(ctx, "Nope"); err == nil {
		t.Fatal("esc saved the form")
	}
}
