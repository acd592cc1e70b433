package org.nn4j.api;

import java.util.Locale;

/** Element type of a {@link Matrix}. */
public enum DType {
    /** 32-bit IEEE 754 floats: half the memory and bandwidth of float64. */
    FLOAT32("float32", Float.BYTES),
    /** 64-bit IEEE 754 floats: the reference precision of the golden cases. */
    FLOAT64("float64", Double.BYTES);

    /** System property that picks the data type when no flag does. */
    public static final String PROPERTY = "nn4j.dtype";
    /** Environment variable that picks the data type when neither flag nor property does. */
    public static final String ENVIRONMENT = "NN4J_DTYPE";

    private final String label;
    private final int bytes;

    DType(String label, int bytes) {
        this.label = label;
        this.bytes = bytes;
    }

    /** The name used on the command line and in files: {@code float32} or {@code float64}. */
    public String label() {
        return label;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /**
     * The data type named by {@code explicit} (when not null), else {@value #PROPERTY}, else
     * {@value #ENVIRONMENT}, else {@code fallback}.
     *
     * @throws SettingException naming the value and where it came from, when it is no data type
     */
    public static DType select(String explicit, DType fallback) {
        return select(explicit, fallback, "DType.select");
    }

    /** As {@link #select(String, DType)}, messages naming {@code explicit} after {@code source} (say, {@code --dtype}). */
    public static DType select(String explicit, DType fallback, String source) {
        Setting setting = Setting.resolve(explicit, source, PROPERTY, ENVIRONMENT);
        return setting == null ? fallback : parse(setting);
    }

    /** Parses {@code float32} or {@code float64} (case-insensitive). */
    public static DType parse(Setting setting) {
        String wanted = setting.value().trim().toLowerCase(Locale.ROOT);
        for (DType type : values()) {
            if (type.label.equals(wanted)) {
                return type;
            }
        }
        throw new SettingException("unknown dtype '" + setting.value() + "' (from " + setting.source()
                + "); expected float32 or float64");
    }

    @Override
    public String toString() {
        return label;
    }
}
