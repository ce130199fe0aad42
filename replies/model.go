package replies

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/texting-centre/texting/classify"
	"github.com/texting-centre/texting/store"
)

// The model learns category ids (as decimal strings), not names, so that
// renaming a category keeps what was learned.

// Model returns the learned model, trained on every text the operator has
// categorised. It is cached in memory and in the database and trained again
// only when the operator's categorisations changed (store.ClassifierEpoch).
func (p *Pipeline) Model(ctx context.Context) (*classify.Model, error) {
	return p.model(ctx, false)
}

// model is Model; with stale, a model that is out of date is returned at
// once while a fresh one is loaded or trained in the background.
func (p *Pipeline) model(ctx context.Context, stale bool) (*classify.Model, error) {
	epoch, err := p.db.ClassifierEpoch(ctx)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	if p.modelReady && (p.modelEpoch == epoch || stale) {
		m := p.cached
		if p.modelEpoch != epoch && !p.refreshing {
			p.refreshing = true
			go p.refresh(context.WithoutCancel(ctx), epoch)
		}
		p.mu.Unlock()
		return m, nil
	}
	defer p.mu.Unlock()
	m, at, err := p.loadOrTrain(ctx, epoch)
	if err != nil {
		return nil, err
	}
	p.cached, p.modelEpoch, p.modelReady = m, at, true
	return m, nil
}

// refresh loads or trains the model of epoch in the background.
func (p *Pipeline) refresh(ctx context.Context, epoch int64) {
	m, at, err := p.loadOrTrain(ctx, epoch)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refreshing = false
	if err != nil {
		p.opts.Logger.Warn("model refresh failed; the old one stays", "err", err)
		return
	}
	if at >= p.modelEpoch {
		p.cached, p.modelEpoch = m, at
	}
}

// loadOrTrain returns the model of epoch from the database cache, or trains
// and caches one. The epoch it returns is the one the model is current at.
func (p *Pipeline) loadOrTrain(ctx context.Context, epoch int64) (*classify.Model, int64, error) {
	cached, ok, err := p.db.ClassifierModel(ctx)
	if err != nil {
		return nil, 0, err
	}
	if ok && cached.Epoch == epoch {
		m := new(classify.Model)
		err := m.UnmarshalBinary(cached.Blob)
		if err == nil {
			return m, epoch, nil
		}
		p.opts.Logger.Warn("cached model unreadable; training again", "err", err)
	}
	return p.train(ctx)
}

// train trains a model on the operator's categorisations and caches it.
func (p *Pipeline) train(ctx context.Context) (*classify.Model, int64, error) {
	start := time.Now()
	examples, epoch, err := p.db.OperatorExamples(ctx)
	if err != nil {
		return nil, 0, err
	}
	m := classify.Train(trainingSet(examples))
	blob, err := m.MarshalBinary()
	if err != nil {
		return nil, 0, fmt.Errorf("save model: %w", err)
	}
	if err := p.db.SaveClassifierModel(ctx, store.CachedModel{
		Epoch: epoch, TrainedAt: p.db.Now(), Examples: len(examples), Blob: blob,
	}); err != nil {
		return nil, 0, err
	}
	p.opts.Logger.Info("model trained", "examples", len(examples), "epoch", epoch, "took", time.Since(start))
	return m, epoch, nil
}

// Retrain trains the model now (instead of at its next use) and returns how
// many examples it learned from.
func (p *Pipeline) Retrain(ctx context.Context) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m, epoch, err := p.train(ctx)
	if err != nil {
		return 0, err
	}
	p.cached, p.modelEpoch, p.modelReady = m, epoch, true
	cached, _, err := p.db.ClassifierModel(ctx)
	return cached.Examples, err
}

func trainingSet(examples []store.Example) []classify.Example {
	out := make([]classify.Example, len(examples))
	for i, e := range examples {
		out[i] = classify.Example{Text: e.Text, Category: strconv.FormatInt(e.CategoryID, 10)}
	}
	return out
}
