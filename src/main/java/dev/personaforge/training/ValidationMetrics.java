package dev.personaforge.training;

/** Validation-split metrics: mean next-token loss on completion tokens, its perplexity and argmax accuracy. */
public record ValidationMetrics(int step, double loss, double perplexity, double accuracy, int tokens) {}
