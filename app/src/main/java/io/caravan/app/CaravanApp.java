package io.caravan.app;

import org.apache.camel.main.Main;

/**
 * Starts Caravan: Camel Main with the routes in {@code routes/} and the settings in
 * {@code config/application.properties}, overlaid by {@code config/<profile>.properties} when the
 * system property {@code caravan.profile} or the environment variable {@code CARAVAN_PROFILE} names one.
 */
public final class CaravanApp {

    /** The settings file, relative to the working directory (the repository root). */
    public static final String CONFIG = "file:config/application.properties";

    private CaravanApp() {
    }

    /** The settings file, then {@code config/<profile>.properties} over it when a profile is named. */
    static String locations(String profile) {
        return profile == null || profile.isBlank() ? CONFIG : CONFIG + ",file:config/" + profile.trim() + ".properties";
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main(CaravanApp.class);
        main.setPropertyPlaceholderLocations(locations(
                System.getProperty("caravan.profile", System.getenv().getOrDefault("CARAVAN_PROFILE", ""))));
        try {
            main.run(args);
        } catch (Exception e) {
            // a failed start may leave non-daemon threads (Kafka) behind: do not linger
            e.printStackTrace();
            System.exit(1);
        }
    }
}
