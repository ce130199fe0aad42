package outbox

import (
	"fmt"
	"testing"

	"github.com/texting-centre/texting/gateway"
	"github.com/texting-centre/texting/gateway/gatewaytest"
)

func TestRejectedClass(t *testing.T) {
	t.Parallel()
	tests := []struct {
		reason string
		want   Class
	}{
		{gatewaytest.ReasonBadCredentials, ClassSIM},
		{gatewaytest.ReasonNoCredit, ClassSIM},
		{gatewaytest.ReasonSender, ClassSIM},
		{"Account suspended", ClassSIM},
		{gatewaytest.ReasonUnavailable, ClassTransient},
		{"Try again later", ClassTransient},
	}
	for _, tt := range tests {
		err := fmt.Errorf("gateway send: %w", &gateway.RejectedError{Reason: tt.reason})
		if got := rejectedClass(err); got != tt.want {
			t.Errorf("rejectedClass(%q) = %v, want %v", tt.reason, got, tt.want)
		}
	}
}
