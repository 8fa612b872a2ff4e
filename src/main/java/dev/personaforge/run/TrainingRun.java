package dev.personaforge.run;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;

/** One fine-tuning run of a persona: its settings, the snapshot it trains on, its progress and its outcome. */
@Entity
@Table(name = "training_run")
public class TrainingRun extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "persona_id", nullable = false)
    public Long personaId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    public RunStatus status;

    @Column(name = "base_model", nullable = false, length = 500)
    public String baseModel;

    /** {@link RunSettings} as JSON. */
    @Column(nullable = false, length = 4000)
    public String settings;

    @Column(name = "system_prompt", length = 8000)
    public String systemPrompt;

    /** SHA-256 over the snapshot's system prompt and pairs, to tell runs on the same data apart from others. */
    @Column(name = "dataset_hash", nullable = false, length = 64)
    public String datasetHash;

    @Column(name = "train_count", nullable = false)
    public int trainCount;

    @Column(name = "validation_count", nullable = false)
    public int validationCount;

    @Column(nullable = false)
    public int step;

    @Column(name = "total_steps", nullable = false)
    public int totalSteps;

    @Column(nullable = false)
    public double epoch;

    @Column(name = "last_loss")
    public Double lastLoss;

    /** {@link RunOutcome} as JSON once the run has finished training. */
    @Column(name = "final_metrics", length = 8000)
    public String finalMetrics;

    /** Folder with the adapter (or model), the evaluation and run.json. */
    @Column(name = "output_dir", length = 1000)
    public String outputDir;

    @Column(length = 4000)
    public String error;

    @Column(name = "cancel_requested", nullable = false)
    public boolean cancelRequested;

    /** The server instance that claimed the run from the queue. */
    @Column(name = "claimed_by", length = 100)
    public String claimedBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    /** Refreshed by the instance training the run; a stale one means that instance is gone. */
    @Column(name = "heartbeat_at")
    public Instant heartbeatAt;

    /** For an adapter imported rather than trained here: the file it came from. */
    @Column(name = "imported_from", length = 500)
    public String importedFrom;

    /** The cross-validation this run is a fold of; null for an ordinary run. */
    @Column(name = "cross_validation_id")
    public Long crossValidationId;

    /** Which fold (from 0) of its cross-validation this run validates on; null for an ordinary run. */
    @Column(name = "fold_index")
    public Integer foldIndex;

    @Version
    public long version;
}
