package org.nn4j.examples;

import com.google.inject.Guice;
import com.google.inject.Injector;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.inject.NetworkFactory;
import org.nn4j.inject.Nn4jModule;
import org.nn4j.nn.Model;
import org.nn4j.nn.Sequential;
import org.nn4j.nn.Shape;
import org.nn4j.nn.layers.ActivationLayer;
import org.nn4j.nn.layers.Linear;

/**
 * nn4j through Guice: the backend and dtype chosen at run time ({@code -Dnn4j.backend}, {@code
 * NN4J_BACKEND}, else the best available; float32 unless {@code -Dnn4j.dtype}), one binding for the
 * application, and models from the injected factory. Argument: a backend name (default: none, the run
 * time's choice).
 */
public final class GuiceExample {

    private GuiceExample() {
    }

    public static void main(String[] args) {
        String backendName = args.length > 0 ? args[0] : null;
        // README: guice
        Injector injector = Guice.createInjector(Nn4jModule.select(backendName, null, DType.FLOAT32));
        NetworkFactory factory = injector.getInstance(NetworkFactory.class);
        Backend backend = factory.backend();
        Model model = factory.model(Shape.of(784), new Sequential(new Linear(backend, factory.dtype(), 784, 64),
                new ActivationLayer(backend, ActivationKind.RELU), new Linear(backend, factory.dtype(), 64, 10)),
                factory.loss("softmax_cross_entropy"), 42);
        System.out.println(model.spec().summary() + " on " + factory.backend().name() + ", " + factory.dtype());
        // README end
    }
}
