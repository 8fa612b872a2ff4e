package dev.personaforge.run;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;

/**
 * A k-fold cross-validation of a persona: k ordinary {@link TrainingRun}s (its folds) on the same pairs, each
 * validating on a different k-th of them. Its status is that of its folds; this row keeps what they share.
 */
@Entity
@Table(name = "cross_validation")
public class CrossValidation extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "persona_id", nullable = false)
    public Long personaId;

    /** The number of folds. */
    @Column(nullable = false)
    public int k;

    /** {@link RunSettings} as JSON, as requested and resolved (the folds' validation ratio aside). */
    @Column(nullable = false, length = 4000)
    public String settings;

    /** Usable pairs split into the folds. */
    @Column(name = "pair_count", nullable = false)
    public int pairCount;

    /** The fold whose model the person kept; the other folds' models are deleted then. */
    @Column(name = "kept_run_id")
    public Long keptRunId;

    /** The ordinary run queued to train on all the pairs with the same settings. */
    @Column(name = "retrain_run_id")
    public Long retrainRunId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Version
    public long version;
}
