package dev.personaforge.openai;

import dev.personaforge.common.NotFoundException;
import dev.personaforge.common.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Creates, lists and revokes API keys and checks the {@code Authorization} header of OpenAI-compatible requests.
 * While no key exists the API is open to anyone who can reach the server; the first key closes it.
 */
@ApplicationScoped
public class ApiKeyService {

    /** Every key starts with this, so it is recognisable in configuration files and secret scanners. */
    static final String KEY_PREFIX = "pf-";

    /** How many characters of a key lists show. */
    static final int SHOWN_CHARS = KEY_PREFIX.length() + 6;

    static final int MAX_NAME_CHARS = 100;

    private final SecureRandom random = new SecureRandom();

    /** Makes a key of 256 random bits; the returned value is the only copy of the whole key. */
    @Transactional
    public CreatedApiKey create(String name) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty()) {
            throw ValidationException.of("name", "is required: say what the key is for, e.g. \"laptop scripts\"");
        }
        if (trimmed.length() > MAX_NAME_CHARS) {
            throw ValidationException.of("name", "is " + trimmed.length() + " characters, over the limit of " + MAX_NAME_CHARS);
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String key = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        ApiKey entity = new ApiKey();
        entity.name = trimmed;
        entity.prefix = key.substring(0, SHOWN_CHARS);
        entity.keyHash = hash(key);
        entity.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        entity.persist();
        return new CreatedApiKey(entity.id, entity.name, entity.prefix, entity.createdAt, key);
    }

    /** Every key, newest first. */
    public List<ApiKeyView> list() {
        return ApiKey.<ApiKey>list("order by id desc").stream().map(ApiKeyView::of).toList();
    }

    /** Deletes the key, so requests with it are refused from now on. */
    @Transactional
    public void revoke(long id) {
        if (!ApiKey.deleteById(id)) {
            throw new NotFoundException("API key " + id + " does not exist (it may have been revoked already).");
        }
    }

    /** True when at least one key exists, so requests must carry one. */
    public boolean required() {
        return ApiKey.count() > 0;
    }

    /**
     * Lets the request through when no key exists or its {@code Authorization: Bearer <key>} header names one
     * (recording when the key was last used); otherwise throws a 401 in OpenAI's shape.
     */
    @Transactional
    public void authenticate(String authorization) {
        if (!required()) {
            return;
        }
        if (authorization == null || authorization.isBlank()) {
            throw OpenAiException.unauthorized("You didn't provide an API key. This server has API keys, so send one "
                    + "in an Authorization header: \"Authorization: Bearer pf-...\" (keys are made at /settings/api-keys).");
        }
        String value = authorization.strip();
        if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw OpenAiException.unauthorized("The Authorization header must be \"Bearer <key>\".");
        }
        String key = value.substring(7).strip();
        long updated = ApiKey.update("lastUsedAt = ?1 where keyHash = ?2",
                Instant.now().truncatedTo(ChronoUnit.MICROS), hash(key));
        if (updated == 0) {
            throw OpenAiException.unauthorized("Incorrect API key provided: " + redact(key)
                    + ". It is unknown or was revoked; see /settings/api-keys.");
        }
    }

    /** Enough of a wrong key for its owner to recognise it, not enough to reuse it. */
    private static String redact(String key) {
        return key.length() <= SHOWN_CHARS ? "****" : key.substring(0, SHOWN_CHARS) + "****";
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
