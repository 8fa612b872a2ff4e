package dev.personaforge.persona;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;

/** A chatbot persona: who it is (system prompt), which base model it starts from, and how its pairs are split. */
@Entity
@Table(name = "persona")
public class Persona extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, length = 80)
    public String name;

    /** URL- and API-friendly identifier derived from the name, unique. */
    @Column(nullable = false, length = 100)
    public String slug;

    @Column(length = 2000)
    public String description;

    @Column(name = "system_prompt", length = 8000)
    public String systemPrompt;

    /** A Hugging Face model id such as {@code HuggingFaceTB/SmolLM2-135M-Instruct}, or a local directory. */
    @Column(name = "base_model", nullable = false, length = 500)
    public String baseModel;

    /** BCP 47 language tag of the persona's replies, e.g. {@code ko} or {@code en}. */
    @Column(nullable = false, length = 35)
    public String language;

    /** Share of pairs (among those not pinned) that go to validation; 0.1 means 90/10. */
    @Column(name = "validation_ratio", nullable = false)
    public double validationRatio;

    @Column(name = "split_seed", nullable = false)
    public long splitSeed;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    public long version;
}
