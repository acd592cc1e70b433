package org.nn4j.api.broken;

import org.nn4j.api.Availability;
import org.nn4j.api.Backend;
import org.nn4j.api.BackendProvider;

/** Backend providers that a jar's META-INF/services entry may name but that cannot be made, and one that can. */
public final class BrokenProviders {

    private BrokenProviders() {
    }

    /** A provider in every way but what a subclass spoils. */
    public abstract static class Base implements BackendProvider {
        @Override
        public String name() {
            return "broken";
        }

        @Override
        public String description() {
            return "a backend that cannot be made";
        }

        @Override
        public Availability availability() {
            return Availability.available("here");
        }

        @Override
        public int priority() {
            return 1000;
        }

        @Override
        public Backend create() {
            throw new UnsupportedOperationException();
        }
    }

    /** A provider that works: named "working", of low priority, available. */
    public static final class Working extends Base {
        @Override
        public String name() {
            return "working";
        }

        @Override
        public int priority() {
            return -1000;
        }
    }

    /** Not a provider at all. */
    public static final class NotAProvider {
    }

    /** Abstract. */
    public abstract static class Abstract extends Base {
    }

    /** Without a constructor of no arguments. */
    public static final class NoDefaultConstructor extends Base {
        public NoDefaultConstructor(int devices) {
        }
    }

    /** Not public. */
    static final class NotPublic extends Base {
    }

    /** Its constructor throws. */
    public static final class ThrowingConstructor extends Base {
        public ThrowingConstructor() {
            throw new IllegalStateException("no licence for this machine");
        }
    }

    /** Its static initialiser throws. */
    public static final class ThrowingStaticInitialiser extends Base {
        static {
            if (Boolean.parseBoolean("true")) {
                throw new IllegalStateException("no native library");
            }
        }
    }

    /** Made, but cannot tell its name. */
    public static final class ThrowingName extends Base {
        @Override
        public String name() {
            throw new UnsupportedOperationException("not configured");
        }
    }

    /** Made, without a name. */
    public static final class Nameless extends Base {
        @Override
        public String name() {
            return null;
        }
    }

    /** Made and named, but its availability check throws. */
    public static final class ThrowingAvailability extends Base {
        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public Availability availability() {
            throw new NoClassDefFoundError("org/example/cuda/Driver");
        }
    }
}
