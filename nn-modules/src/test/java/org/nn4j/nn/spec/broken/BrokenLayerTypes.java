package org.nn4j.nn.spec.broken;

import java.util.List;
import org.nn4j.nn.Module;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/** Layer types that a jar's META-INF/services entry may name but that ServiceLoader cannot make. */
public final class BrokenLayerTypes {

    private BrokenLayerTypes() {
    }

    /** A layer type in every way but the one its constructor or static initialiser spoils. */
    public abstract static class Base implements LayerType {
        @Override
        public String name() {
            return "broken";
        }

        @Override
        public String description() {
            return "a layer type that cannot be made";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of();
        }

        @Override
        public Module create(LayerConfig config) {
            throw new UnsupportedOperationException();
        }
    }

    /** Not a layer type at all. */
    public static final class NotALayerType {
    }

    /** Abstract. */
    public abstract static class Abstract extends Base {
    }

    /** Without a constructor of no arguments. */
    public static final class NoDefaultConstructor extends Base {
        public NoDefaultConstructor(int size) {
        }
    }

    /** Whose constructor throws. */
    public static final class ThrowingConstructor extends Base {
        public ThrowingConstructor() {
            throw new IllegalStateException("no GPU here");
        }
    }

    /** Whose static initialiser throws. */
    public static final class ThrowingStaticInitialiser extends Base {
        static final int SIZE = size();

        private static int size() {
            throw new IllegalStateException("no native library");
        }
    }

    /** Not public. */
    static final class NotPublic extends Base {
    }

    /** A good layer type that a jar misnames: linear, as nn4j's own. */
    public static final class Linear extends Base {
        @Override
        public String name() {
            return "linear";
        }
    }

    /** One that has no name. */
    public static final class Nameless extends Base {
        @Override
        public String name() {
            return null;
        }
    }
}
