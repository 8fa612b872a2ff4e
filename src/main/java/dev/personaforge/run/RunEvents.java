package dev.personaforge.run;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Fans out the live events of each run to every browser watching it. */
@ApplicationScoped
public class RunEvents {

    static final java.time.Duration QUIET_RECONNECT = java.time.Duration.ofMinutes(2);

    private final Map<Long, BroadcastProcessor<RunEvent>> streams = new ConcurrentHashMap<>();

    private BroadcastProcessor<RunEvent> stream(long runId) {
        return streams.computeIfAbsent(runId, id -> BroadcastProcessor.create());
    }

    public void emit(long runId, RunEvent event) {
        BroadcastProcessor<RunEvent> stream = stream(runId);
        stream.onNext(event);
        if (event.terminal()) {
            streams.remove(runId, stream);
            stream.onComplete();
        }
    }

    /**
     * What happened so far followed by what happens next, until the run ends. A browser may see a step twice
     * at the seam between the two; the page keys its curve by step. Events wait in a buffer for a slow reader
     * rather than failing the stream. A stream with nothing to say for a while ends; browsers reconnect by
     * themselves and get the history again, so a run that ended unseen between the two never leaves one hanging.
     */
    public Multi<RunEvent> follow(long runId, List<RunEvent> history, boolean finished) {
        Multi<RunEvent> past = Multi.createFrom().iterable(history);
        if (finished) {
            return past;
        }
        Multi<RunEvent> live = stream(runId).onOverflow().buffer(10_000)
                .ifNoItem().after(QUIET_RECONNECT).recoverWithCompletion();
        return Multi.createBy().concatenating().streams(past, live);
    }
}
