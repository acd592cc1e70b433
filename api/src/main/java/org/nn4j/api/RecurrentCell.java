package org.nn4j.api;

/**
 * The cells of {@link Backend#recurrentForward}, as PyTorch defines them, for hidden size {@code H}; the
 * input projections {@code x = x_t W_ih^T + b_ih} and the hidden ones {@code g = h_{t-1} W_hh^T + b_hh}
 * have {@link #gates()}{@code * H} columns, gate blocks in PyTorch's order.
 *
 * <ul>
 *   <li>{@link #RNN_TANH}, {@link #RNN_RELU}: {@code h_t = f(x + g)}.
 *   <li>{@link #LSTM}: gates i, f, g, o: {@code i = σ(x_i + g_i)}, {@code f = σ(x_f + g_f)}, {@code c~ =
 *       tanh(x_g + g_g)}, {@code o = σ(x_o + g_o)}, {@code c_t = f c_{t-1} + i c~}, {@code h_t = o
 *       tanh(c_t)}.
 *   <li>{@link #GRU}: gates r, z, n: {@code r = σ(x_r + g_r)}, {@code z = σ(x_z + g_z)}, {@code n =
 *       tanh(x_n + r g_n)} (the reset gate applied after the hidden product, as PyTorch's), {@code h_t =
 *       (1 - z) n + z h_{t-1}}.
 * </ul>
 *
 * What {@link Backend#recurrentForward} keeps for the backward pass, per step and row, is {@link
 * #cacheWidth}{@code (H)} values: the gate activations ({@code gates() * H}) and {@code H} more (the
 * cell state of an LSTM, {@code g_n} of a GRU, the output of an RNN).
 */
public enum RecurrentCell {
    /** {@code torch.nn.RNN} with {@code nonlinearity='tanh'}. */
    RNN_TANH(1),
    /** {@code torch.nn.RNN} with {@code nonlinearity='relu'}. */
    RNN_RELU(1),
    /** {@code torch.nn.LSTM}. */
    LSTM(4),
    /** {@code torch.nn.GRU}. */
    GRU(3);

    private final int gates;

    RecurrentCell(int gates) {
        this.gates = gates;
    }

    /** The gate blocks of the projections: 1, 4 (i, f, g, o) or 3 (r, z, n). */
    public int gates() {
        return gates;
    }

    /**
     * Whether every gate adds its hidden product {@code g} to its projection {@code x} unscaled: all but the
     * GRU, whose candidate scales {@code g_n} by the reset gate. Then {@code b_ih} and {@code b_hh} act as one
     * bias, with one gradient, and the hidden products' gradients are the projections'.
     */
    public boolean addsHiddenToProjections() {
        return this != GRU;
    }

    /** The columns of the forward pass's cache for hidden size {@code hidden}: {@code (gates() + 1) * hidden}. */
    public int cacheWidth(int hidden) {
        return (gates + 1) * hidden;
    }
}
