/**
 * Model specs and the registry of what they can name: {@link org.nn4j.nn.spec.ModelSpec} (the JSON
 * description of a stack of layers and its loss), {@link org.nn4j.nn.spec.LayerType} and {@link
 * org.nn4j.nn.spec.LossType} (the provider interfaces, found by {@link java.util.ServiceLoader}),
 * {@link org.nn4j.nn.spec.HyperParameter} (what a type takes, checked before it builds), and {@link
 * org.nn4j.nn.spec.ModuleRegistry}, which builds a {@link org.nn4j.nn.Model} from a spec.
 */
package org.nn4j.nn.spec;
