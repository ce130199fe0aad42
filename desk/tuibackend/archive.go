package tuibackend

import (
	"context"
	"time"

	"github.com/texting-centre/texting/tui/common"
)

var _ common.ArchiveBackend = (*Backend)(nil)

// ArchiveFailed archives the failed texts older than olderThan, as
// `texting outbox archive` does.
func (b *Backend) ArchiveFailed(ctx context.Context, olderThan time.Duration) (int, error) {
	return b.DB.ArchiveFailed(ctx, b.DB.Now().Add(-olderThan))
}
