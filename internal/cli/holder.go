package cli

import (
	"context"

	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/store"
)

// abandonRun records a run that was locked but could not start (no dongle
// opened, no SIM connected) as failed; nothing for a dry run.
func abandonRun(ctx context.Context, env *outbox.Env, run store.Run, cause error) error {
	if run.ID == 0 {
		return nil
	}
	return env.DB.FinishRun(context.WithoutCancel(ctx), run.ID, map[string]int{}, "failed: "+cause.Error())
}
