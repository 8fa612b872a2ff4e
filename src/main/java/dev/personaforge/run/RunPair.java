package dev.personaforge.run;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A pair exactly as a run trained or validated on it, independent of later edits to the persona. */
@Entity
@Table(name = "run_pair")
public class RunPair extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "run_id", nullable = false)
    public Long runId;

    @Column(nullable = false)
    public int ordinal;

    @Column(nullable = false, length = 20000)
    public String prompt;

    @Column(nullable = false, length = 20000)
    public String completion;

    @Column(nullable = false)
    public boolean validation;
}
