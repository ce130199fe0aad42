package modem_test

import (
	"context"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem"
)

func TestSmoke(t *testing.T) {
	m := emulator(t)
	var log syncBuffer
	d := open(t, m, modem.WithLogger(debugLogger(&log)), modem.WithTrace(true))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	info, err := d.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", info)
	t.Log(log.String())
}
