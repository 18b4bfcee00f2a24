package io.kvsession.sidecar.blackbox;

import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** The black-box contract against the packaged jar, or the native executable when built with -Dnative. */
@QuarkusIntegrationTest
@TestProfile(Profiles.WithWorkers.class)
class BlackBoxContractIT extends BlackBoxContract {
}
