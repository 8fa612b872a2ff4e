package dev.personaforge.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** One prompt/completion example of a persona, with optional tags and a pinned or automatic split. */
@Entity
@Table(name = "training_pair")
public class TrainingPair extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "persona_id", nullable = false)
    public Long personaId;

    @Column(nullable = false, length = 20000)
    public String prompt;

    @Column(nullable = false, length = 20000)
    public String completion;

    /** Stored as {@code ,a,b,}; use {@link #tagList()} and {@link #setTags(List)}. */
    @Column(nullable = false, length = 1000)
    public String tags = "";

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    public PairSplit split = PairSplit.AUTO;

    @Column(name = "pair_hash", nullable = false, length = 64)
    public String pairHash;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public List<String> tagList() {
        if (tags == null || tags.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(tags.split(",")).filter(t -> !t.isEmpty()).toList();
    }

    public void setTags(List<String> list) {
        tags = list == null || list.isEmpty() ? "" : list.stream().collect(Collectors.joining(",", ",", ","));
    }

    /** Sets both texts and recomputes the hash used to find duplicates. */
    public void setTexts(String prompt, String completion) {
        this.prompt = prompt;
        this.completion = completion;
        this.pairHash = PairHash.of(prompt, completion);
    }
}
