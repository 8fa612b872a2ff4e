package dev.personaforge.run;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** The metrics of one optimizer step; validation fields are set on the steps where validation ran. */
@Entity
@Table(name = "run_metric")
public class RunMetric extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "run_id", nullable = false)
    public Long runId;

    @Column(nullable = false)
    public int step;

    @Column(nullable = false)
    public double epoch;

    @Column(name = "train_loss")
    public Double trainLoss;

    @Column(name = "learning_rate")
    public Double learningRate;

    @Column(name = "grad_norm")
    public Double gradNorm;

    @Column(name = "tokens_per_second")
    public Double tokensPerSecond;

    @Column(name = "val_loss")
    public Double valLoss;

    @Column(name = "val_perplexity")
    public Double valPerplexity;

    @Column(name = "val_accuracy")
    public Double valAccuracy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
