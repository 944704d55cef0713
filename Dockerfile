# coldpack worker image for AWS Batch on Fargate: `node dist/coldpack.mjs worker ...`.
# Base image: pin by digest for reproducible, tamper-evident builds (see DEPLOY.md, "Worker image").
# Build stage: bundle our TypeScript (not the dependencies) with esbuild.
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY infra/container ./infra/container
RUN npx esbuild infra/container/entry.ts --bundle --platform=node --target=node22 --format=esm \
      --packages=external --sourcemap --outfile=dist/coldpack.mjs

# Runtime stage: production dependencies only, non-root user, no build tools.
FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The `node` user (uid 1000) comes with the official image; the job definitions also set user 1000.
USER node
# SubmitJob may override a job's environment (containerOverrides.environment) but not the
# ENTRYPOINT: unset the variables that would make node load other code or send AWS calls elsewhere
# before node starts. Options node needs are on its command line, not in NODE_OPTIONS.
# The job definitions' `command` (e.g. `worker shard --job <id>`) is appended to this.
ENTRYPOINT ["/usr/bin/env", "-u", "NODE_OPTIONS", "-u", "NODE_PATH", "-u", "NODE_EXTRA_CA_CERTS", "-u", "AWS_ENDPOINT_URL", "-u", "AWS_ENDPOINT_URL_S3", "-u", "AWS_ENDPOINT_URL_DYNAMODB", "-u", "AWS_ENDPOINT_URL_SNS", "-u", "AWS_ENDPOINT_URL_BATCH", "-u", "AWS_ENDPOINT_URL_SQS", "-u", "AWS_CA_BUNDLE", "-u", "AWS_CONFIG_FILE", "-u", "AWS_SHARED_CREDENTIALS_FILE", "-u", "AWS_PROFILE", "node", "--enable-source-maps", "dist/coldpack.mjs"]
CMD ["--help"]
