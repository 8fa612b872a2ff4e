package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding tables, in Hugging Face's rotate_half layout, with {@code linear} and
 * {@code llama3} frequency scaling.
 */
public final class LlamaRotaryEmbedding {
    private final float[] invFreq;
    private final int headDim;

    LlamaRotaryEmbedding(LlamaConfig config) {
        this.headDim = config.headDim();
        this.invFreq = inverseFrequencies(config);
    }

    /** {@code 1 / theta^(2i/d)}, scaled as {@code rope_scaling} asks; computed in float32 like transformers. */
    static float[] inverseFrequencies(LlamaConfig config) {
        int half = config.headDim() / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / config.headDim();
            inv[i] = (float) (1.0 / Math.pow(config.ropeTheta(), exponent));
        }
        LlamaConfig.RopeScaling s = config.ropeScaling();
        if (s == null) {
            return inv;
        }
        if (s.type().equals("linear")) {
            for (int i = 0; i < half; i++) {
                inv[i] = (float) (inv[i] / s.factor());
            }
            return inv;
        }
        double oldContext = s.originalMaxPositionEmbeddings();
        double lowFreqWavelen = oldContext / s.lowFreqFactor();
        double highFreqWavelen = oldContext / s.highFreqFactor();
        for (int i = 0; i < half; i++) {
            double freq = inv[i];
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highFreqWavelen) {
                continue;
            }
            if (wavelen > lowFreqWavelen) {
                inv[i] = (float) (freq / s.factor());
            } else {
                double smooth = (oldContext / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
                inv[i] = (float) ((1 - smooth) * freq / s.factor() + smooth * freq);
            }
        }
        return inv;
    }

    /** Returns {cos, sin}, each (B, 1, T, hd), for the given position ids. */
    NDArray[] cosSin(long[][] positions, NDManager manager) {
        int b = positions.length;
        int t = positions[0].length;
        int half = headDim / 2;
        float[] cos = new float[b * t * headDim];
        float[] sin = new float[b * t * headDim];
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < t; j++) {
                int base = (r * t + j) * headDim;
                float p = positions[r][j];
                for (int i = 0; i < half; i++) {
                    float angle = p * invFreq[i];
                    float c = (float) Math.cos(angle);
                    float s = (float) Math.sin(angle);
                    cos[base + i] = c;
                    cos[base + half + i] = c;
                    sin[base + i] = s;
                    sin[base + half + i] = s;
                }
            }
        }
        Shape shape = new Shape(b, 1, t, headDim);
        return new NDArray[] {manager.create(cos, shape), manager.create(sin, shape)};
    }

    /** Rotates the two halves of the last axis: {@code cat(-x2, x1)}. */
    static NDArray rotateHalf(NDArray x) {
        int last = x.getShape().dimension() - 1;
        long half = x.getShape().get(last) / 2;
        var halves = x.split(new long[] {half}, last);
        return halves.get(1).neg().concat(halves.get(0), last);
    }

    /** {@code x * cos + rotate_half(x) * sin}; x is (B, heads, T, hd), cos/sin broadcast over heads. */
    static NDArray applyRotary(NDArray x, NDArray cos, NDArray sin) {
        return x.mul(cos).add(rotateHalf(x).mul(sin));
    }
}
