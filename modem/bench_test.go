package modem_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem"
	"github.com/texting-centre/texting/modem/modemtest"
)

// reportCost adds the engine's figures between two Stats snapshots: AT round
// trips per op and our own time per AT command.
func reportCost(b *testing.B, before, after modem.Stats) {
	cmds := after.Commands - before.Commands
	if cmds == 0 {
		return
	}
	b.ReportMetric(float64(cmds)/float64(b.N), "roundtrips/op")
	b.ReportMetric(float64((after.Own-before.Own).Microseconds())/float64(cmds), "own-µs/cmd")
	b.ReportMetric(float64((after.Wall-before.Wall).Microseconds())/float64(cmds), "wall-µs/cmd")
}

// BenchmarkDrain reads N stored texts from an emulated dongle over the real
// serial code: one AT+CMGL plus one AT+CMGD per text.
func BenchmarkDrain(b *testing.B) {
	for _, n := range []int{10, 100} {
		b.Run(strconv.Itoa(n)+" texts", func(b *testing.B) {
			m := emulator(b, modemtest.WithCapacity(n))
			d := open(b, m)
			var pdus []string
			for i := range n {
				pdus = append(pdus, deliver(b, "+4477009"+fmt.Sprintf("%05d", i), "Reply number "+strconv.Itoa(i)+" with a few words"))
			}
			before := d.AT().Stats()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				if err := m.Store(pdus...); err != nil {
					b.Fatal(err)
				}
				sink := newMemSink()
				b.StartTimer()
				res, err := d.Drain(context.Background(), sink)
				if err != nil || res.Deleted != n {
					b.Fatalf("%+v %v", res, err)
				}
			}
			b.StopTimer()
			reportCost(b, before, d.AT().Stats())
		})
	}
}

// BenchmarkCommand is one AT+CSQ round trip through the pty.
func BenchmarkCommand(b *testing.B) {
	m := emulator(b)
	d := open(b, m)
	before := d.AT().Stats()
	b.ResetTimer()
	for range b.N {
		if _, err := d.AT().Command(context.Background(), "AT+CSQ"); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportCost(b, before, d.AT().Stats())
}

// BenchmarkSend sends a two-part text (prompt, PDU, +CMGS per part) with the
// emulator's send delay set to zero, so the figure is the engine's and the
// pty's.
func BenchmarkSend(b *testing.B) {
	m := emulator(b, modemtest.WithSendDelay(0))
	d := open(b, m)
	text := strings.Repeat("A campaign text that needs two parts. ", 6)
	before := d.AT().Stats()
	b.ResetTimer()
	for range b.N {
		if _, err := d.Send(context.Background(), to, text, modem.SendOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportCost(b, before, d.AT().Stats())
}

// BenchmarkDrainPorts drains 1 and 4 emulated dongles that each answer in
// 2 ms (a real dongle takes 5–50 ms per command), opening and initialising
// each: four take about the time of one.
func BenchmarkDrainPorts(b *testing.B) {
	for _, n := range []int{1, 4} {
		b.Run(strconv.Itoa(n)+" dongles", func(b *testing.B) {
			var ms []*modemtest.Modem
			var ports []string
			var pdus []string
			for i := range 20 {
				pdus = append(pdus, deliver(b, "+447700900123", "text "+strconv.Itoa(i)))
			}
			for range n {
				m := emulator(b, modemtest.WithReplyDelay(2*time.Millisecond))
				ms = append(ms, m)
				ports = append(ports, m.Path())
			}
			var mu sync.Mutex
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				for _, m := range ms {
					if err := m.Store(pdus...); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				res := modem.DrainPorts(context.Background(), ports, func(context.Context, *modem.Dongle) (modem.Sink, error) {
					mu.Lock()
					defer mu.Unlock()
					return newMemSink(), nil
				}, modem.WithTimeouts(fastTimeouts))
				for _, r := range res {
					if r.Err != nil || r.Result.Deleted != len(pdus) {
						b.Fatalf("%+v", r)
					}
				}
			}
		})
	}
}
