package classify

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// modelMagic starts a model's binary form; the byte after it is the format
// version, then the feature space's size in bits.
const modelMagic = "TCCM"

const modelVersion = 2 // 2: calibration no longer extrapolated below its lowest score

// MarshalBinary encodes the model, so that a trained model can be cached
// (e.g. in the database) instead of trained again.
func (m *Model) MarshalBinary() ([]byte, error) {
	var out bytes.Buffer
	out.WriteString(modelMagic)
	out.WriteByte(modelVersion)
	out.WriteByte(featureBits)
	zw, err := flate.NewWriter(&out, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriter(zw)
	var scratch [binary.MaxVarintLen64]byte
	uvarint := func(v uint64) { w.Write(binary.AppendUvarint(scratch[:0], v)) }
	f32 := func(v float32) { w.Write(binary.LittleEndian.AppendUint32(scratch[:0], math.Float32bits(v))) }

	uvarint(uint64(len(m.classes)))
	for _, c := range m.classes {
		uvarint(uint64(len(c)))
		w.WriteString(c)
	}
	if len(m.classes) >= 2 {
		for _, b := range m.bias {
			f32(b)
		}
		uvarint(uint64(len(m.calib.from)))
		for i := range m.calib.from {
			f32(m.calib.from[i])
			f32(m.calib.conf[i])
		}
		// Weights, sparse: features with any non-zero weight, each as the gap
		// from the previous one and then its weights.
		C := len(m.classes)
		var nonzero uint64
		for f := 0; f <= featureMask; f++ {
			if anyNonzero(m.weights[f*C : f*C+C]) {
				nonzero++
			}
		}
		uvarint(nonzero)
		prev := -1
		for f := 0; f <= featureMask; f++ {
			ws := m.weights[f*C : f*C+C]
			if anyNonzero(ws) {
				uvarint(uint64(f - prev))
				for _, v := range ws {
					f32(v)
				}
				prev = f
			}
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func anyNonzero(ws []float32) bool {
	for _, v := range ws {
		if v != 0 {
			return true
		}
	}
	return false
}

// errBadModel is wrapped by every UnmarshalBinary failure.
var errBadModel = errors.New("classify: not a model encoding")

// UnmarshalBinary decodes a model written by MarshalBinary into m, replacing
// what m held. It is meant for a new Model: m must not be in use by Predict.
func (m *Model) UnmarshalBinary(data []byte) error {
	if len(data) < len(modelMagic)+2 || string(data[:len(modelMagic)]) != modelMagic {
		return errBadModel
	}
	if v := data[len(modelMagic)]; v != modelVersion {
		return fmt.Errorf("%w: version %d, want %d", errBadModel, v, modelVersion)
	}
	if bits := data[len(modelMagic)+1]; bits != featureBits {
		return fmt.Errorf("%w: %d feature bits, want %d (trained by another version: train again)", errBadModel, bits, featureBits)
	}
	r := bufio.NewReader(flate.NewReader(bytes.NewReader(data[len(modelMagic)+2:])))
	var err error
	uvarint := func(limit uint64) uint64 {
		if err != nil {
			return 0
		}
		var v uint64
		if v, err = binary.ReadUvarint(r); err == nil && v > limit {
			err = fmt.Errorf("%w: count %d out of range", errBadModel, v)
		}
		return v
	}
	var buf [4]byte
	f32 := func() float32 {
		if err != nil {
			return 0
		}
		_, err = io.ReadFull(r, buf[:])
		return math.Float32frombits(binary.LittleEndian.Uint32(buf[:]))
	}

	var nm Model
	nclass := uvarint(1 << 16)
	for i := uint64(0); i < nclass && err == nil; i++ {
		name := make([]byte, uvarint(1<<16))
		if err == nil {
			_, err = io.ReadFull(r, name)
		}
		nm.classes = append(nm.classes, string(name))
	}
	if err == nil && nclass >= 2 {
		C := int(nclass)
		nm.bias = make([]float32, C)
		for c := range nm.bias {
			nm.bias[c] = f32()
		}
		steps := uvarint(1 << 24)
		for i := uint64(0); i < steps && err == nil; i++ {
			nm.calib.from = append(nm.calib.from, f32())
			nm.calib.conf = append(nm.calib.conf, f32())
		}
		nm.weights = make([]float32, (featureMask+1)*C)
		nonzero := uvarint(featureMask + 1)
		f := -1
		for range nonzero {
			f += int(uvarint(featureMask + 1))
			if err == nil && f > featureMask {
				err = fmt.Errorf("%w: feature %d out of range", errBadModel, f)
			}
			if err != nil {
				break
			}
			for c := range C {
				nm.weights[f*C+c] = f32()
			}
		}
	}
	if err != nil {
		if !errors.Is(err, errBadModel) {
			err = fmt.Errorf("%w: %v", errBadModel, err)
		}
		return err
	}
	if nclass == 1 {
		nm.classes = nil // as Train leaves it
	}
	*m = nm
	return nil
}
