package org.nn4j.api;

import java.util.Set;

/**
 * The matrix operations a network needs, on {@link Matrix matrices} this backend owns, in float32
 * and float64.
 *
 * <p>Conventions every implementation keeps (the conformance kit checks them):
 *
 * <ul>
 *   <li>Operations write into a caller-given {@code out}, so a training step can run without
 *       allocating. {@code out} must already have the result's shape; nothing is resized.
 *   <li>All matrices of one call have the same {@link DType}; a mismatch, or a shape that does not
 *       fit, throws {@link IllegalArgumentException} naming the operation and the shapes.
 *   <li>Element-wise operations allow {@code out} to be one of their inputs. {@link #gemm} does not
 *       allow {@code c} to be {@code a} or {@code b}.
 *   <li>Reductions that return a {@code double} accumulate in float64 whatever the dtype.
 *   <li>A backend may be shared by threads: each call is atomic (nn4j's backends hold their lock
 *       while a call uses their scratch arrays and worker threads), so threads that share one take
 *       turns in it and get the results they would get alone. Threads that should compute at the
 *       same time each make their own ({@link Backends#select} makes a new one per call). The
 *       matrices themselves are not guarded: a matrix is used by one thread at a time.
 * </ul>
 */
public interface Backend {

    /**
     * Optimizer state ({@link #adamUpdate}'s moments, {@link #momentumUpdate}'s velocity) no larger in
     * magnitude than this, in float32, is set to zero by every update. A parameter whose gradient
     * stays zero (a dead unit, an input pixel that is always 0) has state decaying towards zero; IEEE
     * arithmetic takes it into subnormal numbers, where it stays (0.9 times the smallest subnormal
     * rounds back to it), and arithmetic on subnormals costs Intel cores a microcode assist each:
     * measured, Adam on such state was 11x slower. This floor is far above the subnormals, so that no
     * product of the update (step size times a moment, say) is one either, and far below anything
     * that moves a parameter.
     */
    float STATE_FLOOR_FLOAT32 = 0x1p-100f;
    /** {@link #STATE_FLOOR_FLOAT32} in float64. */
    double STATE_FLOOR_FLOAT64 = 0x1p-960;

    /** The provider name this backend was created under, for example {@code ejml}. */
    String name();

    /**
     * The operations this backend computes where it keeps its matrices (for a GPU backend, on the
     * device). Each other operation copies its operands to the JVM's heap, computes there and copies
     * its results back: a round trip on every call, which a backend reports by leaving it out here
     * rather than taking it silently. A backend whose matrices live in host memory computes them all
     * there. The same set on every call; {@code nn backends --json} lists it for each provider and the
     * conformance kit prints it.
     */
    Set<Operation> nativeOperations();

    // ---- creation and data transfer ----

    /** A new {@code rows x cols} matrix of zeros. */
    Matrix zeros(DType dtype, int rows, int cols);

    /** A new {@code rows x cols} matrix holding {@code rowMajor}, rounded to {@code dtype}. */
    default Matrix fromArray(DType dtype, int rows, int cols, double[] rowMajor) {
        Matrix m = zeros(dtype, rows, cols);
        copyIn(rowMajor, m);
        return m;
    }

    /** Overwrites {@code dst} with {@code rowMajor} (length {@code dst.size()}), rounded to its dtype. */
    void copyIn(double[] rowMajor, Matrix dst);

    /** Overwrites {@code dst} with {@code rowMajor} (length {@code dst.size()}). */
    void copyIn(float[] rowMajor, Matrix dst);

    /** Writes {@code src} into {@code rowMajor} (length {@code src.size()}). */
    void copyOut(Matrix src, double[] rowMajor);

    /** Writes {@code src} into {@code rowMajor} (length {@code src.size()}), rounded to float32. */
    void copyOut(Matrix src, float[] rowMajor);

    /** The values of {@code src} in a new row-major array. */
    default double[] toArray(Matrix src) {
        double[] values = new double[src.size()];
        copyOut(src, values);
        return values;
    }

    /**
     * A view of {@code m}'s values, read row-major, as a {@code rows x cols} matrix ({@code rows * cols ==
     * m.size()}): the same storage, so that a write through either shows in both. A sequence layer uses it
     * to run one product over every step ({@code n x (T * F)} seen as {@code (n * T) x F}) without copying.
     */
    Matrix reshape(Matrix m, int rows, int cols);

    /** {@code dst = src}; same shape. */
    void copy(Matrix src, Matrix dst);

    /** Sets every element of {@code dst} to {@code value}. */
    void fill(Matrix dst, double value);

    // ---- linear algebra ----

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, where {@code op(X)} is {@code X} or its transpose.
     * With {@code beta == 0} the old contents of {@code C} are ignored, NaN included. {@code op(A)} is
     * {@code m x k}, {@code op(B)} is {@code k x n}, {@code C} is {@code m x n}.
     */
    void gemm(boolean transposeA, boolean transposeB, double alpha, Matrix a, Matrix b, double beta,
            Matrix c);

    /** {@code out[i][j] = a[i][j] + row[0][j]}: {@code a} and {@code out} are {@code m x n}, {@code row} is {@code 1 x n}. */
    void addRowVector(Matrix a, Matrix row, Matrix out);

    /** {@code out[0][j] = sum over i of a[i][j]}: {@code a} is {@code m x n}, {@code out} is {@code 1 x n}. */
    void columnSums(Matrix a, Matrix out);

    // ---- element-wise ----

    /** {@code out = alpha * a + beta * b}; all one shape. */
    void axpby(double alpha, Matrix a, double beta, Matrix b, Matrix out);

    /** {@code out = alpha * a}; one shape. */
    void scale(double alpha, Matrix a, Matrix out);

    /** {@code out = a * b} element by element (Hadamard product); all one shape. */
    void multiply(Matrix a, Matrix b, Matrix out);

    /** {@code out = f(x)} element by element; one shape. */
    void activation(ActivationKind kind, Matrix x, Matrix out);

    /**
     * A layer's bias and activation in one pass: adds the {@code 1 x cols} {@code bias} to every row
     * of {@code z} in place (z keeps the pre-activation, for {@link #activationBackward}) and writes
     * {@code out = f(z)}: another matrix of {@code z}'s shape. The default makes the two passes.
     */
    default void biasActivation(ActivationKind kind, Matrix z, Matrix bias, Matrix out) {
        addRowVector(z, bias, z);
        activation(kind, z, out);
    }

    /**
     * {@code out = grad * f'(x)} element by element. Both the input {@code x} and the output {@code y =
     * f(x)} of the forward pass are given, so that a backend can use whichever is cheaper (see {@link
     * ActivationKind}); all one shape, and {@code out} may be any of them.
     */
    void activationBackward(ActivationKind kind, Matrix x, Matrix y, Matrix grad, Matrix out);

    /**
     * {@code out = x > 0 ? x : negativeSlope * x} element by element (leaky ReLU); one shape, and
     * {@code out} may be {@code x}. The default makes it from {@link #activation} and {@link #axpby}.
     */
    default void leakyRelu(double negativeSlope, Matrix x, Matrix out) {
        Checks.sameShape("leakyRelu", x, out);
        Matrix relu = zeros(x.dtype(), x.rows(), x.cols());
        activation(ActivationKind.RELU, x, relu);
        axpby(1 - negativeSlope, relu, negativeSlope, x, out);
    }

    /**
     * {@code out = grad * (x > 0 ? 1 : negativeSlope)} element by element, the gradient of {@link
     * #leakyRelu} for its input {@code x}; one shape, and {@code out} may be {@code x} or {@code grad}.
     * The default makes it from the ReLU derivative and {@link #axpby}.
     */
    default void leakyReluBackward(double negativeSlope, Matrix x, Matrix grad, Matrix out) {
        Checks.sameShape("leakyReluBackward", x, grad, out);
        Matrix relu = zeros(x.dtype(), x.rows(), x.cols());
        activation(ActivationKind.RELU, x, relu);
        activationBackward(ActivationKind.RELU, x, relu, grad, relu);
        axpby(negativeSlope, grad, 1 - negativeSlope, relu, out);
    }

    /**
     * {@code out[i][j] = a[i][j] * row[0][j]}: each column scaled by its own factor; {@code a} and
     * {@code out} are {@code m x n}, {@code row} is {@code 1 x n}. The default broadcasts the row with a
     * product and multiplies element by element.
     */
    default void multiplyRowVector(Matrix a, Matrix row, Matrix out) {
        Checks.multiplyRowVector(a, row, out);
        Matrix ones = zeros(a.dtype(), a.rows(), 1);
        fill(ones, 1);
        Matrix rows = zeros(a.dtype(), a.rows(), a.cols());
        gemm(false, false, 1, ones, row, 0, rows);
        multiply(a, rows, out);
    }

    /**
     * One Adam step, element by element, for a parameter and its two moment estimates (all one
     * shape; {@code grad} is only read):
     *
     * <pre>{@code
     * m = flush(beta1 * m + (1 - beta1) * grad)
     * v = flush(beta2 * v + (1 - beta2) * grad²)
     * param = param - stepSize * m / (sqrt(v) * vScale + epsilon)
     * }</pre>
     *
     * With {@code stepSize = lr / (1 - beta1^t)} and {@code vScale = 1 / sqrt(1 - beta2^t)} at step
     * {@code t} this is Adam with bias correction, as PyTorch computes it. {@code flush} sets to zero a
     * value no larger in magnitude than {@link #STATE_FLOOR_FLOAT32} (float32) or {@link
     * #STATE_FLOOR_FLOAT64} (float64), and keeps any other (NaN included): state under zero gradients
     * would otherwise decay into subnormal numbers, slow on most CPUs.
     */
    void adamUpdate(Matrix param, Matrix grad, Matrix m, Matrix v, double beta1, double beta2, double stepSize,
            double vScale, double epsilon);

    /**
     * One step of SGD with momentum, element by element, for a parameter and its velocity (all one
     * shape; {@code grad} is only read): {@code velocity = flush(momentum velocity + grad)}, with
     * {@code flush} as {@link #adamUpdate}'s, then {@code param -= learningRate d} with {@code d = grad +
     * momentum velocity} (Nesterov) or {@code d = velocity}.
     */
    void momentumUpdate(Matrix param, Matrix grad, Matrix velocity, double momentum, double learningRate,
            boolean nesterov);

    // ---- row-wise ----

    /** {@code out[i] = softmax(x[i])}, computed stably for any finite logits; one shape. */
    void softmaxRows(Matrix x, Matrix out);

    /**
     * Softmax cross-entropy and its gradient in one pass: for logits {@code o} and targets {@code y}
     * whose rows each sum to 1 (both {@code m x n}), writes {@code gradOut = (softmax(o) - y) / m} and
     * returns the mean over rows of {@code logsumexp(o_i) - o_i·y_i}, accumulated in float64.
     */
    double softmaxCrossEntropy(Matrix logits, Matrix target, Matrix gradOut);

    /** {@code out[i][0] = log(sum over j of exp(x[i][j]))}, stably: {@code x} is {@code m x n}, {@code out} is {@code m x 1}. */
    void logSumExpRows(Matrix x, Matrix out);

    /** {@code out[i]} = the column of row {@code i}'s largest value (the first, on ties); {@code out.length == x.rows()}. */
    void argmaxRows(Matrix x, int[] out);

    // ---- images: each row one example of channels x height x width values, in that order ----

    /**
     * The patches a convolution's window covers, one row per output position: row {@code e * P + p}
     * ({@code P = w.positions()}, {@code p = oy * w.outWidth() + ox}) holds, at column {@code (c *
     * kernelHeight + i) * kernelWidth + j}, example {@code e}'s value at channel {@code c}, row {@code oy *
     * strideHeight - paddingHeight + i}, column {@code ox * strideWidth - paddingWidth + j}, or 0 in the
     * padding. {@code x} is {@code n x w.inputSize()}, {@code out} is {@code n * P x w.patchSize()}.
     */
    void im2col(Matrix x, Window2d w, Matrix out);

    /**
     * The adjoint of {@link #im2col}: each image value is the sum of the entries of {@code cols} that
     * im2col would copy from it. {@code cols} is {@code n * P x w.patchSize()}, {@code out} is {@code n
     * x w.inputSize()} and overwritten.
     */
    void col2im(Matrix cols, Window2d w, Matrix out);

    /**
     * {@code a}'s values read as {@code blocks} row-major {@code rows x cols} matrices back to back;
     * {@code out} gets their transposes back to back (say, {@code [n][P][C]} into {@code [n][C][P]}).
     * {@code a} and {@code out} may have any shapes of {@code blocks * rows * cols} elements, and must
     * not be the same matrix.
     */
    void transposeBlocks(Matrix a, int blocks, int rows, int cols, Matrix out);

    /**
     * A 2-D convolution, {@code torch.nn.Conv2d}'s forward pass: {@code out[e][o][p] = bias[o] + sum over q of
     * weight[o][q] * cols[e * P + p][q]}, where {@code cols} is {@link #im2col}'s patches of {@code x} and
     * {@code P = w.positions()}. {@code x} is {@code n x w.inputSize()}, {@code weight} is {@code outChannels x
     * w.patchSize()} (PyTorch's {@code [out, in, kh, kw]} weight, row-major), {@code bias} is {@code 1 x
     * outChannels} or null for none, and {@code out}, overwritten, is {@code n x (outChannels * P)} in (channel,
     * row, column) order. A backend without a convolution of its own can compose it of im2col, one product and
     * {@link #transposeBlocks}, as nn4j-backend-host's {@code ConvolutionByProducts} does.
     */
    void conv2d(Matrix x, Window2d w, Matrix weight, Matrix bias, Matrix out);

    /**
     * The gradients of {@link #conv2d} at input {@code x}, given {@code grad}, its output's gradient ({@code n x
     * (outChannels * P)}): {@code weightGrad[o][q] = sum over e, p of grad[e][o][p] * cols[e * P + p][q]} (the
     * shape of {@code weight}); {@code biasGrad[o]}, the sum of channel {@code o}'s gradients ({@code 1 x
     * outChannels}, or null to skip); {@code inputGrad}, {@link #col2im} of the patches' gradients {@code
     * grad[e][.][p] * weight} ({@code n x w.inputSize()}, or null to skip). All three are overwritten.
     */
    void conv2dBackward(Matrix grad, Matrix x, Window2d w, Matrix weight, Matrix weightGrad, Matrix biasGrad,
            Matrix inputGrad);

    /**
     * Max pooling of each channel: {@code out[e][c][oy][ox]} is the largest value of window {@code (oy,
     * ox)} (padding counts as minus infinity; a NaN in the window gives NaN), and {@code argmax} the same
     * element's index within the example's row (the first of equal maxima, the last NaN). {@code x} is
     * {@code n x w.inputSize()}; {@code out} and {@code argmax} are {@code n x w.pooledSize()}.
     */
    void maxPool2d(Matrix x, Window2d w, Matrix out, Matrix argmax);

    /**
     * The input gradient of {@link #maxPool2d}: each of {@code grad}'s values added at its window's
     * maximum, which {@code argmax} holds. {@code out} is {@code n x w.inputSize()} and overwritten.
     */
    void maxPool2dBackward(Matrix grad, Matrix argmax, Window2d w, Matrix out);

    /**
     * Average pooling of each channel, padding counted as zeros in the {@code kernelHeight *
     * kernelWidth} divisor (PyTorch's {@code count_include_pad}). {@code x} is {@code n x
     * w.inputSize()}, {@code out} is {@code n x w.pooledSize()}.
     */
    void avgPool2d(Matrix x, Window2d w, Matrix out);

    /** The input gradient of {@link #avgPool2d}; {@code out} is {@code n x w.inputSize()} and overwritten. */
    void avgPool2dBackward(Matrix grad, Window2d w, Matrix out);

    // ---- sequences: each row of a batch T steps, batch first ----

    /**
     * One direction of one recurrent layer over whole sequences, the steps walked inside the backend: for
     * each step {@code t} (from 0 up, or with {@code reverse} from {@code T - 1} down) one product {@code
     * h_{t-1} W_hh^T} for all gates, then {@code cell}'s element-wise work in one pass ({@link
     * RecurrentCell}), from a zero initial state.
     *
     * <p>{@code projections} is {@code (n * T) x (G = cell.gates() * H)}, row {@code e * T + t} holding {@code x_t
     * W_ih^T + b_ih} of example {@code e} (the input projections, one product over the input seen as {@code (n *
     * T) x F}, {@link #reshape}); {@code weightHh} is {@code G x H} (PyTorch's {@code weight_hh}), {@code biasHh}
     * {@code 1 x G} or null for none. Only the sum of the two biases counts: {@code b_ih} may come in {@code
     * biasHh} instead ({@code b_ih + b_hh}, as nn4j's LSTM and RNN pass it). {@code lengths} (null: every row has
     * all {@code T} steps; else at least {@code n} entries in {@code [0, T]}) gives each row's real steps: its
     * padded steps leave the state alone and output zeros, so a reverse direction starts at the row's last real
     * step, as PyTorch's {@code pack_padded_sequence} gives. {@code out}, {@code n x (T * H)}, gets {@code h_t} of
     * example {@code e} at columns {@code t * H ..}; or, {@code n x (T * 2H)}, a bidirectional layer's output, at
     * columns {@code t * 2H ..} ({@code reverse} false) or {@code t * 2H + H ..} ({@code reverse}), the other half
     * of each step left alone, so that the two directions write PyTorch's output between them. {@code cache},
     * {@code (n * T) x cell.cacheWidth(H)}, gets what {@link #recurrentBackward} needs, and is the backend's own:
     * it may keep those values elsewhere, tied to this matrix (nd4j-cpu keeps them in host arrays), so only {@code
     * recurrentBackward} on the same backend reads them, given this very matrix. {@code out} is overwritten (this
     * direction's half).
     */
    void recurrentForward(RecurrentCell cell, Matrix projections, Matrix weightHh, Matrix biasHh, int[] lengths,
            boolean reverse, Matrix out, Matrix cache);

    /**
     * The gradients of {@link #recurrentForward} (the same {@code cell}, {@code weightHh}, {@code lengths},
     * {@code reverse}, and its {@code out} and {@code cache}), given {@code outGrad = dL/d(out)} (laid out as
     * {@code out}, this direction's half read; padded steps' entries are ignored): {@code projectionsGrad = dL/d(projections)} ({@code (n *
     * T) x G}, zero at padded steps), {@code weightHhGrad = dL/dW_hh} ({@code G x H}) and {@code biasHhGrad =
     * dL/db_hh} ({@code 1 x G}, or null to skip), all three overwritten (not accumulated). The gradients of
     * {@code W_ih}, {@code b_ih} and the input follow from {@code projectionsGrad} by products.
     */
    void recurrentBackward(RecurrentCell cell, Matrix weightHh, int[] lengths, boolean reverse, Matrix out,
            Matrix cache, Matrix outGrad, Matrix projectionsGrad, Matrix weightHhGrad, Matrix biasHhGrad);
    // ---- sequences: token ids are host int arrays (never floats), rows of a table picked by id ----

    /**
     * Row gather, an embedding's forward pass: {@code out[i] = table[ids[i]]} for every row {@code i} of
     * {@code out}. {@code table} is {@code V x E}, {@code out} is {@code m x E} and overwritten; {@code ids}
     * is read at {@code [0, m)} (it may be longer), row-major token ids of a batch ({@code n x T} ids for
     * {@code m = n * T} rows). Ids are host {@code int}s, so that every id below 2^31 is exact.
     *
     * @throws IllegalArgumentException when an id is outside {@code [0, V)}, naming it and its position
     *     ({@code out} is then undefined), or for shapes or dtypes that do not fit
     */
    void gatherRows(Matrix table, int[] ids, Matrix out);

    /**
     * Scatter-add of rows, an embedding's backward pass: {@code tableGrad[ids[i]] += rows[i]} for every row
     * {@code i} of {@code rows} whose id is not {@code skip}, in order of {@code i} (repeated ids add up).
     * {@code rows} is {@code m x E}, {@code tableGrad} is {@code V x E} and only added to; {@code ids} is
     * read at {@code [0, m)}. {@code skip} is an id whose rows add nothing (the padding index, whose row
     * gets no gradient), or {@code -1} for none.
     *
     * @throws IllegalArgumentException when an id is outside {@code [0, V)}, naming it and its position
     *     ({@code tableGrad} is then undefined), or for shapes or dtypes that do not fit
     */
    void scatterAddRows(Matrix rows, int[] ids, int skip, Matrix tableGrad);

    /**
     * Pooling over steps (a sequence_pool's forward pass): {@code x} is {@code n x (T * F)}, each row {@code T}
     * steps of {@code F} values ({@code T = steps}); {@code out}, {@code n x F}, overwritten, gets each row's
     * {@code mode} of its first {@code lengths[r]} steps ({@code lengths} null: all {@code T}; else at least
     * {@code n} entries in {@code [0, T]}), zeros for a row of none. For {@code MAX} and {@code LAST}, {@code
     * from[r * F + f]} (a host array of at least {@code n * F}) gets the step value {@code (r, f)} came from
     * (-1 for none), for {@link #poolStepsBackward}; {@code MEAN} leaves it as it was.
     *
     * @throws IllegalArgumentException for shapes, lengths or dtypes that do not fit
     */
    void poolSteps(StepPooling mode, Matrix x, int steps, int[] lengths, Matrix out, int[] from);

    /**
     * The input gradient of {@link #poolSteps} with the same {@code mode}, {@code steps}, {@code lengths} and
     * {@code from}: {@code grad} is {@code n x F}; {@code out}, {@code n x (T * F)}, overwritten, gets {@code
     * grad[r][f] / L} at each real step of row {@code r} ({@code MEAN}), or {@code grad[r][f]} at step {@code
     * from[r * F + f]} ({@code MAX}, {@code LAST}), zeros elsewhere.
     */
    void poolStepsBackward(StepPooling mode, Matrix grad, int steps, int[] lengths, int[] from, Matrix out);

    // ---- reductions ----

    /** The sum of all elements, accumulated in float64. */
    double sum(Matrix a);

    /** The sum of {@code a[i][j] * b[i][j]} over all elements, accumulated in float64; one shape. */
    double dot(Matrix a, Matrix b);

    // ---- sequences: layer normalisation, GELU, attention ----

    /**
     * Layer normalisation of each row, {@code torch.nn.functional.layer_norm} over the last dimension:
     * {@code out[i][j] = (x[i][j] - mean_i) * rstd_i * weight[0][j] + bias[0][j]}, where {@code mean_i} is
     * row {@code i}'s mean and {@code rstd_i = 1 / sqrt(var_i + eps)}, {@code var_i} its biased variance.
     * {@code x} and {@code out} are {@code m x d} ({@code out} may be {@code x}); {@code weight} and {@code
     * bias} are {@code 1 x d}, or null for 1 and 0; {@code mean} and {@code rstd}, {@code m x 1}, are
     * overwritten with each row's statistics, for {@link #layerNormBackward}. Statistics are computed in
     * float64 whatever the dtype.
     */
    void layerNorm(Matrix x, Matrix weight, Matrix bias, double eps, Matrix out, Matrix mean, Matrix rstd);

    /**
     * The gradients of {@link #layerNorm} at input {@code x}, whose {@code mean} and {@code rstd} that call
     * wrote, given {@code grad}, its output's gradient ({@code m x d}): with {@code xhat = (x - mean) * rstd}
     * and {@code g = grad * weight} (each row), {@code inputGrad = rstd * (g - mean_j(g) - xhat *
     * mean_j(g * xhat))} ({@code m x d}, may be {@code grad}); {@code weightGrad}, the column sums of {@code
     * grad * xhat}, and {@code biasGrad}, those of {@code grad} ({@code 1 x d} each, or null to skip). {@code
     * weight} is null for a layer without one (taken as 1). All outputs are overwritten.
     */
    void layerNormBackward(Matrix grad, Matrix x, Matrix weight, Matrix mean, Matrix rstd, Matrix inputGrad,
            Matrix weightGrad, Matrix biasGrad);

    /**
     * GELU element by element, {@code torch.nn.functional.gelu}: {@code x * Phi(x)} with {@code Phi} the
     * standard normal's distribution function ({@code 0.5 * (1 + erf(x / sqrt 2))}), or with {@code
     * tanhApproximation} {@code 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3)))} (PyTorch's {@code
     * approximate='tanh'}); one shape, and {@code out} may be {@code x}. Computed in float64.
     */
    void gelu(boolean tanhApproximation, Matrix x, Matrix out);

    /**
     * {@code out = grad * gelu'(x)} element by element, for the form {@code tanhApproximation} names (see
     * {@link #gelu}); all one shape, and {@code out} may be {@code x} or {@code grad}.
     */
    void geluBackward(boolean tanhApproximation, Matrix x, Matrix grad, Matrix out);

    /**
     * Scaled dot-product self-attention of a batch of sequences, every head at once: PyTorch's {@code
     * multi_head_attention_forward} after its input projection. {@code qkv} is {@code (n * steps) x (3 *
     * E)}: row {@code e * steps + t} holds step {@code t} of example {@code e}, its queries in columns
     * {@code [0, E)}, keys in {@code [E, 2E)}, values in {@code [2E, 3E)}; head {@code h} of {@code heads}
     * ({@code E} a multiple of it, {@code d = E / heads}) reads columns {@code [h d, (h + 1) d)} of each.
     * For each example {@code e} and head {@code h}: {@code scores = Q K^T / sqrt(d)}, {@code P =
     * softmax(scores)} over keys, leaving out keys at or after {@code lengths[e]} (null: every key is real;
     * else at least {@code n} entries in {@code [0, steps]}; a row with no real key gets all-zero
     * probabilities, where PyTorch gives NaN), and {@code context = (P * dropMask) V}.
     *
     * <p>{@code probs}, {@code (n * heads * steps) x steps} and overwritten, gets {@code P}: row {@code (e *
     * heads + h) * steps + i} holds query {@code i}'s probabilities over the keys (0 at padded keys), for
     * {@link #attentionBackward}. {@code dropMask} is null, or a matrix of {@code probs}' shape that
     * multiplies the probabilities before they weigh the values (dropout's mask of 0 and {@code 1 / (1 -
     * p)}). {@code context}, {@code (n * steps) x E} and overwritten, gets head {@code h}'s result at columns
     * {@code [h d, (h + 1) d)}. Sums are accumulated in float64.
     */
    void attention(Matrix qkv, int steps, int heads, int[] lengths, Matrix dropMask, Matrix probs, Matrix context);

    /**
     * The gradient of {@link #attention} for its {@code qkv}, given {@code grad}, the gradient of its {@code
     * context} ({@code (n * steps) x E}), and the {@code probs} that call wrote (read only), with the same
     * {@code steps}, {@code heads}, {@code lengths} and {@code dropMask}: {@code qkvGrad}, {@code (n * steps) x
     * (3 * E)} and overwritten, gets the queries', keys' and values' gradients in {@code qkv}'s layout (zero
     * for padded keys and values).
     */
    void attentionBackward(Matrix grad, Matrix qkv, int steps, int heads, int[] lengths, Matrix dropMask,
            Matrix probs, Matrix qkvGrad);
}
