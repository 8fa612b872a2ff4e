package dev.personaforge.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.personaforge.model.Torch;

import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter), updating parameters in place from
 * their {@code .grad}, with global-norm gradient clipping.
 */
final class AdamW implements AutoCloseable {
    private final List<NDArray> params;
    private final NDManager manager;
    private final NDArray[] m;
    private final NDArray[] v;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private int t;

    AdamW(List<NDArray> params, NDManager parent, double beta1, double beta2, double eps, double weightDecay) {
        this.params = params;
        this.manager = parent.newSubManager();
        this.m = new NDArray[params.size()];
        this.v = new NDArray[params.size()];
        for (int i = 0; i < params.size(); i++) {
            m[i] = manager.zeros(params.get(i).getShape());
            v[i] = manager.zeros(params.get(i).getShape());
        }
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        this.weightDecay = (float) weightDecay;
    }

    /** Global L2 norm of all gradients. */
    double gradNorm() {
        double sum = 0;
        try (NDManager tmp = manager.newSubManager()) {
            for (NDArray p : params) {
                NDArray g = p.getGradient();
                g.attach(tmp);
                sum += g.mul(g).sum().getFloat();
            }
        }
        return Math.sqrt(sum);
    }

    /** One update with learning rate {@code lr}, gradients multiplied by {@code gradScale} (clipping), then zeroes the gradients. */
    void step(double lr, double gradScale) {
        t++;
        float bc1 = (float) (1 - Math.pow(beta1, t));
        float bc2 = (float) (1 - Math.pow(beta2, t));
        boolean previous = Torch.setGradMode(false);
        try (NDManager tmp = manager.newSubManager()) {
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i);
                NDArray g = p.getGradient();
                g.attach(tmp);
                NDArray gs = gradScale == 1.0 ? g : g.mul((float) gradScale);
                m[i].muli(beta1).addi(gs.mul(1 - beta1));
                v[i].muli(beta2).addi(gs.mul(gs).mul(1 - beta2));
                NDArray mHat = own(tmp, m[i].div(bc1));
                NDArray vHat = own(tmp, v[i].div(bc2));
                NDArray update = mHat.div(vHat.sqrt().add(eps)); // Adam direction
                if (weightDecay > 0) {
                    p.muli(1 - (float) lr * weightDecay);
                }
                p.subi(update.mul((float) lr));
                Torch.zeroGrad(p);
            }
        } finally {
            Torch.setGradMode(previous);
        }
    }

    /** Moves an op result computed from optimizer state into the step's scope. */
    private static NDArray own(NDManager scope, NDArray array) {
        array.attach(scope);
        return array;
    }

    /** Zeroes gradients without updating (e.g. after a cancelled accumulation). */
    void zeroGrad() {
        for (NDArray p : params) {
            Torch.zeroGrad(p);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
