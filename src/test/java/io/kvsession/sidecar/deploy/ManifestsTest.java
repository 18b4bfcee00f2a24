package io.kvsession.sidecar.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.kvsession.sidecar.config.StartupChecks;
import io.kvsession.sidecar.support.Management;
import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The Kubernetes manifests cannot drift from the code: their probe paths are served by this application, their
 * ports and files match the configuration they mount, and the pod is locked down and outlives the drain. The Redis
 * component merges into the DaemonSet it names, and its Secret, mounts and TLS switch agree with each other.
 */
@QuarkusTest
@TestProfile(Profiles.NoWorkers.class)
class ManifestsTest {

    private static final Path KUBERNETES = Path.of("deploy", "kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    @ParameterizedTest
    @ValueSource(strings = { "sidecar", "daemonset" })
    void probesPortsSecurityAndGracePeriodMatchTheApplication(String shape) throws IOException {
        Properties config = properties(shape);
        PodSpec pod = pod(shape);
        Container sidecar = sidecarContainer(shape, pod);

        int managementPort = Integer.parseInt(config.getProperty("quarkus.management.port"));
        assertEquals(managementPort, port(sidecar, "management"));
        for (Probe probe : List.of(sidecar.getStartupProbe(), sidecar.getLivenessProbe(),
                sidecar.getReadinessProbe())) {
            assertEquals("management", probe.getHttpGet().getPort().getStrVal());
            String path = probe.getHttpGet().getPath();
            Management.get(path).statusCode(200);
        }
        assertEquals(List.of("/q/health/started", "/q/health/live", "/q/health/ready"),
                List.of(sidecar.getStartupProbe().getHttpGet().getPath(), sidecar.getLivenessProbe().getHttpGet()
                        .getPath(), sidecar.getReadinessProbe().getHttpGet().getPath()));
        assertEquals("0.0.0.0", config.getProperty("quarkus.management.host"), "probes reach the pod address");

        Duration drain = Duration.parse("PT" + config.getProperty("kvsession.shutdown.drain-timeout", "10s")
                .toUpperCase());
        assertTrue(pod.getTerminationGracePeriodSeconds() > drain.toSeconds(),
                "grace period " + pod.getTerminationGracePeriodSeconds() + " s outlasts the drain of " + drain);

        var security = sidecar.getSecurityContext();
        boolean nonRoot = Boolean.TRUE.equals(security.getRunAsNonRoot())
                || pod.getSecurityContext() != null && Boolean.TRUE.equals(pod.getSecurityContext().getRunAsNonRoot());
        assertTrue(nonRoot, "runs as non-root");
        assertEquals(Boolean.TRUE, security.getReadOnlyRootFilesystem());
        assertEquals(Boolean.FALSE, security.getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), security.getCapabilities().getDrop());
        assertNotNull(sidecar.getResources().getRequests().get("memory"));
        assertNotNull(sidecar.getResources().getLimits().get("memory"));

        assertEquals("kv-session-sidecar-config", volume(pod, sidecar, "/etc/kv-session-sidecar").getConfigMap()
                .getName());
        assertEquals("/etc/kv-session-sidecar/application.properties", env(sidecar, "QUARKUS_CONFIG_LOCATIONS"));
        assertEquals("status.podIP", sidecar.getEnv().stream().filter(variable -> variable.getName().equals("POD_IP"))
                .findFirst().orElseThrow(() -> new AssertionError("no env POD_IP for Dynamo's call-home"))
                .getValueFrom().getFieldRef().getFieldPath());
        String tokenFile = env(sidecar, "KVSESSION_AUTH_TOKEN_FILE");
        assertEquals(Optional.empty(), StartupChecks.exposure(config.getProperty("quarkus.http.host", "127.0.0.1"),
                tokenFile != null, Boolean.parseBoolean(config.getProperty("kvsession.auth.allow-anonymous"))),
                "the shape passes the start-up check of its address");
        Path tokenDirectory = Path.of(tokenFile).getParent();
        assertEquals("kv-session-sidecar-token", volume(pod, sidecar, tokenDirectory.toString()).getSecret()
                .getSecretName());
        assertNotNull(volume(pod, sidecar, "/tmp").getEmptyDir(), "a writable /tmp on a read-only root");
    }

    @ParameterizedTest
    @ValueSource(strings = { "sidecar", "daemonset", "redis" })
    void kustomizationsNameFilesThatExist(String shape) throws IOException {
        Map<String, Object> kustomization = yaml(KUBERNETES.resolve(shape).resolve("kustomization.yaml"), Map.class);
        for (String key : List.of("resources", "patches", "configMapGenerator")) {
            Object entries = kustomization.get(key);
            if (entries == null) {
                continue;
            }
            for (Object entry : (List<?>) entries) {
                List<String> files = entry instanceof String file ? List.of(file)
                        : entry instanceof Map<?, ?> map && map.get("path") != null ? List.of((String) map.get("path"))
                        : entry instanceof Map<?, ?> map ? ((List<?>) map.get("files")).stream().map(String.class::cast)
                                .toList()
                        : List.of();
                files.forEach(file -> assertTrue(Files.exists(KUBERNETES.resolve(shape).resolve(file)),
                        shape + "/" + file + " exists"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "sidecar" })
    void theSidecarIsANativeSidecarListeningOnLocalhost(String shape) throws IOException {
        Container sidecar = sidecarContainer(shape, pod(shape));
        assertEquals("Always", sidecar.getRestartPolicy(), "an init container that keeps running: a native sidecar");
        assertEquals("127.0.0.1", properties(shape).getProperty("quarkus.http.host"));
        assertFalse(sidecar.getPorts().stream().anyMatch(port -> port.getName().equals("http")),
                "the API port is not exposed outside the pod");
    }

    @ParameterizedTest
    @ValueSource(strings = { "daemonset" })
    void thePerNodeServiceKeepsTrafficOnTheNodeAndReachesTheApiPort(String shape) throws IOException {
        Properties config = properties(shape);
        Container sidecar = sidecarContainer(shape, pod(shape));
        Service service = yaml(KUBERNETES.resolve(shape).resolve("service.yaml"), Service.class);

        assertEquals("Local", service.getSpec().getInternalTrafficPolicy());
        assertEquals(Integer.parseInt(config.getProperty("quarkus.http.port")), port(sidecar, "http"));
        assertEquals("http", service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
        DaemonSet daemonSet = yaml(KUBERNETES.resolve(shape).resolve("daemonset.yaml"), DaemonSet.class);
        assertTrue(daemonSet.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                .containsAll(service.getSpec().getSelector().entrySet()), "the Service selects the DaemonSet's pods");
        assertEquals("0.0.0.0", config.getProperty("quarkus.http.host"));
        assertNotNull(env(sidecar, "KVSESSION_AUTH_TOKEN_FILE"), "auth is required on a shared Service");
    }

    @Test
    void theRedisComponentPatchesTheDaemonSetsContainerAndMergesIntoItsConfiguration() throws IOException {
        Path component = KUBERNETES.resolve("redis");
        Map<String, Object> kustomization = yaml(component.resolve("kustomization.yaml"), Map.class);
        DaemonSet base = yaml(KUBERNETES.resolve("daemonset").resolve("daemonset.yaml"), DaemonSet.class);
        DaemonSet patch = yaml(component.resolve("daemonset-patch.yaml"), DaemonSet.class);
        Container baseSidecar = sidecarContainer("daemonset", base.getSpec().getTemplate().getSpec());

        assertEquals("Component", kustomization.get("kind"));
        Map<?, ?> target = (Map<?, ?>) ((Map<?, ?>) only((List<?>) kustomization.get("patches"), "patch"))
                .get("target");
        assertEquals(Map.of("kind", "DaemonSet", "name", base.getMetadata().getName()), target);
        assertEquals(base.getMetadata().getName(), patch.getMetadata().getName());
        Container sidecar = only(patch.getSpec().getTemplate().getSpec().getContainers(), "container");
        assertEquals(baseSidecar.getName(), sidecar.getName(), "the patch merges into the sidecar's container");

        Map<?, ?> generator = (Map<?, ?>) only((List<?>) kustomization.get("configMapGenerator"), "generator");
        Volume config = volume(base.getSpec().getTemplate().getSpec(), baseSidecar, "/etc/kv-session-sidecar");
        assertEquals(config.getConfigMap().getName(), generator.get("name"));
        assertEquals("merge", generator.get("behavior"), "adds a file to the DaemonSet's ConfigMap, keeps the rest");
        List<String> locations = List.of(env(sidecar, "QUARKUS_CONFIG_LOCATIONS").split(","));
        assertEquals(List.of(env(baseSidecar, "QUARKUS_CONFIG_LOCATIONS"), "/etc/kv-session-sidecar/"
                + ((List<?>) generator.get("files")).get(0)), locations, "the DaemonSet's file, then the component's");

        Properties redis = properties("redis", "redis.properties");
        assertEquals("redis", redis.getProperty("kvsession.affinity.store"));
        URI host = URI.create(redis.getProperty("quarkus.redis.hosts"));
        assertEquals("redis", host.getScheme());
        assertTrue(host.getHost() != null && host.getPort() > 0, host.toString());
        assertNull(host.getUserInfo(), "the password comes from the Secret, never from the ConfigMap");
        Properties daemonSet = properties("daemonset");
        assertTrue(redis.stringPropertyNames().stream().noneMatch(daemonSet::containsKey),
                "no key in both files, so their order cannot matter");
    }

    @Test
    void theRedisPasswordAndCaComeFromTheSecret() throws IOException {
        Path component = KUBERNETES.resolve("redis");
        DaemonSet base = yaml(KUBERNETES.resolve("daemonset").resolve("daemonset.yaml"), DaemonSet.class);
        PodSpec patch = yaml(component.resolve("daemonset-patch.yaml"), DaemonSet.class).getSpec().getTemplate()
                .getSpec();
        Container sidecar = only(patch.getContainers(), "container");

        EnvVar password = sidecar.getEnv().stream().filter(variable -> variable.getName().equals(
                "QUARKUS_REDIS_PASSWORD")).findFirst().orElseThrow(() -> new AssertionError("no env "
                        + "QUARKUS_REDIS_PASSWORD"));
        assertNull(password.getValue());
        assertEquals("kv-session-sidecar-redis", password.getValueFrom().getSecretKeyRef().getName());
        assertEquals("password", password.getValueFrom().getSecretKeyRef().getKey());
        assertTrue(password.getValueFrom().getSecretKeyRef().getOptional() == null
                || !password.getValueFrom().getSecretKeyRef().getOptional(), "a missing password stops the pod");

        String secretMount = only(sidecar.getVolumeMounts(), "mount").getMountPath();
        assertEquals("kv-session-sidecar-redis", volume(patch, sidecar, secretMount).getSecret().getSecretName());
        PodSpec basePod = base.getSpec().getTemplate().getSpec();
        assertTrue(basePod.getVolumes().stream().noneMatch(volume -> volume.getName().equals(only(patch.getVolumes(),
                "volume").getName())), "the Secret's volume takes no name the DaemonSet uses");
        assertTrue(sidecarContainer("daemonset", basePod).getVolumeMounts().stream().noneMatch(mount -> mount
                .getMountPath().equals(secretMount)), "nor a path it mounts");

        Properties tls = commentedProperties(component.resolve("redis.properties"));
        assertEquals("rediss", URI.create(tls.getProperty("quarkus.redis.hosts")).getScheme());
        assertEquals("true", tls.getProperty("quarkus.redis.tls.enabled"));
        assertEquals("HTTPS", tls.getProperty("quarkus.redis.tls.hostname-verification-algorithm"));
        assertEquals("true", tls.getProperty("quarkus.redis.tls.trust-certificate-pem"));
        assertEquals(Path.of(secretMount, "ca.crt"), Path.of(tls.getProperty(
                "quarkus.redis.tls.trust-certificate-pem.certs")), "the TLS switch reads the CA the Secret mounts");
    }

    private static <T> T only(List<T> elements, String what) {
        assertEquals(1, elements.size(), "exactly one " + what);
        return elements.get(0);
    }

    /** The keys of the commented-out switch in a properties file ({@code # key=value} lines). */
    private static Properties commentedProperties(Path file) throws IOException {
        Properties properties = new Properties();
        for (String line : Files.readAllLines(file)) {
            if (line.matches("# [a-z][\\w.\"-]*=.*")) {
                properties.load(new StringReader(line.substring(2)));
            }
        }
        return properties;
    }

    private static PodSpec pod(String shape) throws IOException {
        if (shape.equals("sidecar")) {
            return yaml(KUBERNETES.resolve(shape).resolve("sidecar-patch.yaml"), Deployment.class).getSpec()
                    .getTemplate().getSpec();
        }
        return yaml(KUBERNETES.resolve(shape).resolve("daemonset.yaml"), DaemonSet.class).getSpec().getTemplate()
                .getSpec();
    }

    private static Container sidecarContainer(String shape, PodSpec pod) {
        List<Container> containers = shape.equals("sidecar") ? pod.getInitContainers() : pod.getContainers();
        return containers.stream().filter(container -> container.getName().equals("kv-session-sidecar")).findFirst()
                .orElseThrow(() -> new AssertionError("no kv-session-sidecar container in " + shape));
    }

    private static int port(Container container, String name) {
        return container.getPorts().stream().filter(port -> name.equals(port.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no port " + name)).getContainerPort();
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream().filter(variable -> variable.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name)).getValue();
    }

    private static Volume volume(PodSpec pod, Container container, String mountPath) {
        VolumeMount mount = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(mountPath))
                .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at " + mountPath));
        return pod.getVolumes().stream().filter(volume -> volume.getName().equals(mount.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + mount.getName()));
    }

    private static Properties properties(String shape) throws IOException {
        return properties(shape, "application.properties");
    }

    private static Properties properties(String shape, String file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(KUBERNETES.resolve(shape).resolve(file))) {
            properties.load(reader);
        }
        return properties;
    }

    private static <T> T yaml(Path file, Class<T> type) throws IOException {
        return YAML.readValue(file.toFile(), type);
    }
}
