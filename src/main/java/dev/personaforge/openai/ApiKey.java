package dev.personaforge.openai;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A key for the OpenAI-compatible API; the key itself is never stored, only its SHA-256 hash and first characters. */
@Entity
@Table(name = "api_key")
public class ApiKey extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** What the key is for, e.g. "laptop scripts". */
    @Column(nullable = false, length = 100)
    public String name;

    /** The key's first characters, shown so people can tell their keys apart. */
    @Column(nullable = false, length = 20)
    public String prefix;

    /** Lower-case hex SHA-256 of the whole key. */
    @Column(name = "key_hash", nullable = false, length = 64)
    public String keyHash;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;
}
