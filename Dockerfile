# coldpack worker image for AWS Batch on Fargate: `node dist/coldpack.mjs worker ...`.
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
ENV NODE_ENV=production NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The `node` user (uid 1000) comes with the official image.
USER node
ENTRYPOINT ["node", "dist/coldpack.mjs"]
CMD ["--help"]
