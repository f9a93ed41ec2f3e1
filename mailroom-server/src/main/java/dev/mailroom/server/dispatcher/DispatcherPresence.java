package dev.mailroom.server.dispatcher;

import com.rabbitmq.client.AMQP;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.BrokerTopology;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Dispatcher presence over the broker, for the shared rate limits and back-offs ({@link ProviderQuotas}):
 * every dispatcher process publishes a heartbeat each {@code mailroom.dispatcher.quota.heartbeat} on the
 * {@value BrokerTopology#DISPATCHERS_EXCHANGE} fanout exchange and hears everyone's (its own included) on
 * a queue of its own (exclusive, auto-delete: gone with the process or its connection). Back-offs
 * travel the same way. Heartbeats are neither persistent nor confirmed and expire after three periods:
 * a lost one is replaced by the next, and a stale one must not make a dead dispatcher look alive.
 * No database, as befits a dispatcher.
 */
@Component
@ConditionalOnRole(Role.DISPATCHER)
class DispatcherPresence implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(DispatcherPresence.class);
    static final String HEARTBEAT_TYPE = "mailroom.dispatchers.heartbeat.v1";
    static final String BACKOFF_TYPE = "mailroom.dispatchers.backoff.v1";

    /** A dispatcher's heartbeat on the wire. */
    record HeartbeatBody(String dispatcher, Set<String> sees, boolean leaving) {}

    /** A provider's back-off on the wire: a duration, not an instant, so the processes' clocks need not agree. */
    record BackoffBody(String provider, long millis, String from) {}

    private final ProviderQuotas quotas;
    private final PeerView peers;
    private final RabbitTemplate rabbit;
    private final Duration heartbeat;
    private ScheduledExecutorService beats;

    DispatcherPresence(ProviderQuotas quotas, RabbitTemplate rabbit, MailroomProperties properties) {
        this.quotas = quotas;
        this.peers = quotas.peers();
        this.rabbit = rabbit;
        this.heartbeat = properties.dispatcher().quota().heartbeat();
        quotas.broadcastWith(this::publishBackoff);
    }

    @RabbitListener(id = "dispatcher-presence", queues = "#{dispatcherPresenceQueue.name}")
    void onMessage(Message message) {
        String type = message.getMessageProperties().getType();
        try {
            if (HEARTBEAT_TYPE.equals(type)) {
                HeartbeatBody body = ContractJson.read(message.getBody(), HeartbeatBody.class);
                if (body.dispatcher() == null) {
                    throw new MalformedMessageException("a heartbeat needs a dispatcher");
                }
                boolean newcomer = peers.heard(new PeerView.Heartbeat(body.dispatcher(), body.sees(), body.leaving()));
                if (newcomer && !body.dispatcher().equals(peers.self())) {
                    log.info("Dispatcher {} joined; live dispatchers now {}", body.dispatcher(), peers.live());
                    // Answer at once: the newcomer waits to see that every peer sees it.
                    ScheduledExecutorService s = beats;
                    if (s != null) {
                        s.execute(() -> publishHeartbeat(false));
                    }
                } else if (body.leaving()) {
                    log.info("Dispatcher {} left; live dispatchers now {}", body.dispatcher(), peers.live());
                }
            } else if (BACKOFF_TYPE.equals(type)) {
                BackoffBody body = ContractJson.read(message.getBody(), BackoffBody.class);
                if (body.provider() == null) {
                    throw new MalformedMessageException("a back-off needs a provider");
                }
                quotas.backoffReceived(body.provider(), Duration.ofMillis(body.millis()));
            } else {
                log.warn("Ignoring a message of type {} on the dispatchers' exchange", type);
            }
        } catch (MalformedMessageException e) {
            // Heartbeats repeat every second; an unreadable one is dropped, not dead-lettered.
            log.warn("Ignoring an unreadable {} message: {}", type, e.getMessage());
        }
    }

    @Override
    public void start() {
        beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dispatcher-heartbeat");
            t.setDaemon(true);
            return t;
        });
        beats.scheduleAtFixedRate(
                () -> {
                    publishHeartbeat(false);
                    peers.forgetStale();
                },
                0,
                heartbeat.toMillis(),
                TimeUnit.MILLISECONDS);
        log.info("Dispatcher {} announces itself every {}", peers.self(), heartbeat);
    }

    /**
     * After the dispatch listeners stopped (a lower phase stops later): the others take this one's
     * share only once it sends nothing more.
     */
    @Override
    public void stop() {
        ScheduledExecutorService s = beats;
        beats = null;
        if (s != null) {
            s.shutdownNow();
            publishHeartbeat(true);
        }
    }

    @Override
    public boolean isRunning() {
        return beats != null;
    }

    @Override
    public int getPhase() {
        return 0;
    }

    private void publishHeartbeat(boolean leaving) {
        publish(HEARTBEAT_TYPE, ContractJson.write(new HeartbeatBody(peers.self(), peers.live(), leaving)));
    }

    private void publishBackoff(String provider, Duration backoff) {
        publish(BACKOFF_TYPE, ContractJson.write(new BackoffBody(provider, backoff.toMillis(), peers.self())));
    }

    private void publish(String type, byte[] body) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .type(type)
                .contentType("application/json")
                .deliveryMode(1)
                .expiration(Long.toString(PeerView.LIVE_HEARTBEATS * heartbeat.toMillis()))
                .build();
        try {
            // Plain and not mandatory: the template's mandatory flag and confirms are for the queues.
            rabbit.execute(channel -> {
                channel.basicPublish(BrokerTopology.DISPATCHERS_EXCHANGE, "", false, props, body);
                return null;
            });
        } catch (RuntimeException e) {
            // Broker away: nobody hears this one, and this dispatcher stops hearing itself, so it
            // takes no share until it is back.
            log.debug("Could not publish a {}: {}", type, e.toString());
        }
    }
}
