package io.kvsession.sidecar.blackbox;

import io.kvsession.sidecar.support.Profiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The black-box contract against the application in the test JVM. */
@QuarkusTest
@TestProfile(Profiles.WithWorkers.class)
class BlackBoxContractTest extends BlackBoxContract {
}
