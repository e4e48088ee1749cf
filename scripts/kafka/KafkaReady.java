import java.util.Collection;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.Node;

/**
 * Readiness probe used by scripts/infra.sh: waits until a Kafka broker is
 * really ready for clients, not just accepting TCP connections.
 *
 * Ready means: a metadata request answers with at least one live (in KRaft:
 * registered and unfenced) broker, and listing topics succeeds.
 *
 * Usage: java -cp '.infra/kafka/lib/*:.infra/kafka/classes' KafkaReady BOOTSTRAP TIMEOUT_SECONDS
 * Exit 0 when ready, 1 on timeout (last error on stderr). Polls inside one JVM.
 */
public final class KafkaReady {
    public static void main(String[] args) throws Exception {
        String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
        long timeoutMs = TimeUnit.SECONDS.toMillis(args.length > 1 ? Long.parseLong(args[1]) : 90);
        long deadline = System.currentTimeMillis() + timeoutMs;

        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "infra-ready-probe");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "200");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "200");

        String last = "no answer yet";
        try (Admin admin = Admin.create(props)) {
            while (true) {
                int callMs = (int) Math.max(500, Math.min(4000, deadline - System.currentTimeMillis()));
                try {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(callMs))
                            .nodes().get(callMs + 1000L, TimeUnit.MILLISECONDS);
                    if (nodes.isEmpty()) {
                        last = "broker answers but no live (unfenced) broker is registered yet";
                    } else {
                        Set<String> topics = admin.listTopics(new ListTopicsOptions().timeoutMs(callMs))
                                .names().get(callMs + 1000L, TimeUnit.MILLISECONDS);
                        System.out.println("ready: " + nodes.size() + " broker(s) " + nodes + ", " + topics.size() + " topic(s)");
                        return;
                    }
                } catch (Exception e) {
                    Throwable c = e.getCause() != null ? e.getCause() : e;
                    last = c.getClass().getSimpleName() + ": " + c.getMessage();
                }
                if (System.currentTimeMillis() + 500 > deadline) {
                    System.err.println("not ready after " + (timeoutMs / 1000) + "s: " + last);
                    System.exit(1);
                }
                Thread.sleep(500);
            }
        }
    }
}
